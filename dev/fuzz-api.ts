import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../config';
import { keysWithScope } from '../api/plugins/api-key-auth';
import { startServerProcess, type ServerProcess } from './child-process';
import { provisionSchemathesis } from './provision/schemathesis';

const ROOT = path.resolve(__dirname, '..');
const log = (line: string) => console.log(`fuzz:api: ${line}`);

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`)).ok;
  } catch {
    return false;
  }
}

/**
 * `npm run fuzz:api [-- <schemathesis options>]`: Schemathesis against the OpenAPI document of `npm start` (one this
 * script starts and stops, or the API at FUZZ_API_URL with the key FUZZ_API_KEY), with the admin key,
 * every check, and enough examples for well over 5,000 requests. Not part of `npm test`. Exits with Schemathesis'
 * status: 0 when no answer was a 5xx and none broke the document.
 */
async function main() {
  const command = await provisionSchemathesis(log);
  let url = process.env.FUZZ_API_URL;
  let started: ServerProcess | undefined;
  if (!url) {
    log('starting `npm start` (the first run builds the servers; data in .waymark/)');
    let announced: string | undefined;
    started = startServerProcess('npm start', path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['dev/start.ts'], {
      cwd: ROOT,
      log: (line) => (announced ??= /^\[npm start\]\s+API\s+(http:\/\/\S+)/.exec(line)?.[1]),
    });
    const deadline = Date.now() + 30 * 60_000;
    while (!announced || !(await healthy(announced))) {
      if (Date.now() > deadline || started.child.exitCode !== null) {
        throw new Error(`npm start did not come up:\n${started.output()}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    url = announced;
    log(`npm start serves the API at ${url}`);
  }
  const adminKey = keysWithScope(loadConfig({ ...process.env, WAYMARK_DEV_STACK: '1' }).API_KEYS, 'admin')[0];
  const args = [
    ...command.slice(1),
    'run',
    `${url}/docs/json`,
    '--url',
    url,
    '--header',
    `Authorization: Bearer ${process.env.FUZZ_API_KEY ?? adminKey}`,
    '--checks',
    'all',
    // Statuses the document gives for every operation are checked; these two judge the API's own business rules
    // against the bare schema (an unknown signal is schema-valid, yet refused), so they are not schema violations.
    '--exclude-checks',
    'positive_data_acceptance,negative_data_rejection',
    // The live stream never ends by design (server-sent events); tests cover it.
    '--exclude-path-regex',
    '/web-messages/stream$',
    '--max-examples',
    process.env.FUZZ_MAX_EXAMPLES ?? '250',
    // One worker: Hypothesis' lambda-source cache is not thread-safe on Python 3.11 (AST recursion errors).
    '--workers',
    '1',
    '--request-timeout',
    '30',
    '--suppress-health-check',
    'all',
    ...process.argv.slice(2),
  ];
  log(`${command[0]} ${args.join(' ')}`);
  const code = await new Promise<number>((resolve) => {
    // Schemathesis keeps its crash cache in its working directory: the cache dir, never the repo.
    const st = spawn(command[0], args, { stdio: 'inherit', cwd: path.dirname(path.dirname(command[0])) });
    st.on('exit', (status) => resolve(status ?? 1));
  });
  await started?.stop();
  process.exit(code);
}

main().catch(async (error: unknown) => {
  console.error(`fuzz:api: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
