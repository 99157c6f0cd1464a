import { provisionCheckJsonschema } from './provision/check-jsonschema';
import { provisionFerretdb } from './provision/ferretdb';
import { provisionMongoJavaServer } from './provision/mongo-java-server';
import { ProvisionError } from './provision/provision-error';
import { provisionTemporalCli } from './provision/temporal-cli';
import { provisionTestServerLauncher } from './provision/test-server';
import { onPath } from './provision/run-command';
import { chooseStore } from './store-choice';

// `npm run provision`: builds (or finds) every server ahead of time and says where each one is and how long it took.
const log = (line: string) => console.log(`waymark: ${line}`);

async function timed(what: string, find: () => Promise<string>): Promise<void> {
  const started = Date.now();
  const where = await find();
  log(`${what}: ${where} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

async function main() {
  // Sequential on purpose: two Go builds at once on a small machine are slower than one after the other.
  await timed('temporal cli', () => provisionTemporalCli(log));
  if (process.env.MONGODB_URI) log('MONGODB_URI is set: no MongoDB-wire server is needed');
  else {
    const store = chooseStore(process.env, onPath('mongod') !== undefined);
    if (store === 'mongod') log(`mongod: ${onPath('mongod')}`);
    else if (store === 'ferretdb') await timed('ferretdb', () => provisionFerretdb(log));
    else await timed('mongo-java-server', async () => (await provisionMongoJavaServer(log)).dir);
  }
  await timed('time-skipping test server', () => provisionTestServerLauncher(log));
  await timed('check-jsonschema (Compose schema check)', async () => (await provisionCheckJsonschema(log))[0]);
}

main().catch((error) => {
  console.error(error instanceof ProvisionError ? `\nwaymark: ${error.message}\n` : error);
  process.exit(1);
});
