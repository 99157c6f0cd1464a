import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { WAYMARK_SEARCH_ATTRIBUTES } from '../sdk/search-attributes';
import { startServerProcess, waitUntilReady, type ServerProcess } from './child-process';
import { freePort, portFrom } from './free-port';
import { provisionTemporalCli } from './provision/temporal-cli';
import { onPath } from './provision/run-command';
import { ProvisionError } from './provision/provision-error';
import { startDownloadedDevServer } from './temporal-sdk-download';
import { startSmtpSink } from './smtp-sink';
import { startTwilioSink } from './twilio-sink';
import { chooseStore, type StoreKind } from './store-choice';
import { startStore } from './start-store';

export interface StackPorts {
  temporal: number;
  temporalUi: number;
  mongo: number;
  smtp: number;
  smtpHttp: number;
  twilio: number;
}

export const DEFAULT_PORTS: StackPorts = {
  temporal: 7233,
  temporalUi: 8233,
  mongo: 27017,
  smtp: 2525,
  smtpHttp: 8025,
  twilio: 8026,
};

export interface StackOptions {
  /** Where the servers keep their data (`.waymark/` for `npm start`, a temp dir for tests). */
  dataDir: string;
  /**
   * `preferred`: the defaults, or the next free port when taken; `free`: any free port (parallel test runs);
   * an object: those ports, the preferred ones for the rest.
   */
  ports: 'preferred' | 'free' | Partial<StackPorts>;
  /** Serve the Temporal UI (npm start) or not (tests). */
  ui: boolean;
  /** The codec endpoint the UI decodes payloads with (`--ui-codec-endpoint`; npm start: the API's /v1/codec). */
  uiCodecEndpoint?: string;
  log: (line: string) => void;
  /** Addresses already given; a server is started only for what is missing. Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface StackEnv {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_UI_URL?: string;
  MONGODB_URI: string;
  SMTP_URL: string;
  SMTP_SINK_URL?: string;
  TWILIO_API_URL?: string;
  TWILIO_ACCOUNT_SID: string;
  TWILIO_AUTH_TOKEN: string;
}

/** A server the stack started, as fault tests see it. */
export interface RestartableServer {
  /** The process id of the running server. */
  pid(): number | undefined;
  /** Kills it by process id (SIGKILL: no clean shutdown) and starts it again on the same port with the same data. */
  restart(): Promise<void>;
}

export interface Stack {
  env: StackEnv;
  /** The MongoDB-wire server the stack started, or undefined when MONGODB_URI was given. */
  store?: StoreKind;
  /** Its process id (fault tests kill it). */
  storePid?: number;
  /** The Temporal dev server (started from the Temporal CLI) and the store, when the stack started them. */
  servers: Partial<Record<'temporal' | 'store', RestartableServer>>;
  stop(): Promise<void>;
}

const PORT_NAMES: Record<keyof StackPorts, string> = {
  temporal: 'Temporal',
  temporalUi: 'the Temporal UI',
  mongo: 'MongoDB',
  smtp: 'the SMTP sink',
  smtpHttp: 'the dev inbox',
  twilio: 'the Twilio sink',
};

const HOST = '127.0.0.1';
const DEV_ACCOUNT_SID = 'ACwaymarkdev0000000000000000000000';
const DEV_AUTH_TOKEN = 'waymark-dev-token';

async function pickPort(options: StackOptions, name: keyof StackPorts): Promise<number> {
  if (options.ports === 'free') return freePort(HOST);
  const given = options.ports === 'preferred' ? undefined : options.ports[name];
  if (given !== undefined) return given;
  const port = await portFrom(DEFAULT_PORTS[name], HOST);
  if (port !== DEFAULT_PORTS[name])
    options.log(`port ${DEFAULT_PORTS[name]} is taken: ${PORT_NAMES[name]} listens on ${port}`);
  return port;
}

/** SIGKILLs a process and resolves once it is gone. */
async function killByPid(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return; // already gone
  }
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

type Servers = Stack['servers'];

async function startTemporal(options: StackOptions, stoppers: Array<() => Promise<void>>, servers: Servers) {
  const port = await pickPort(options, 'temporal');
  const uiPort = options.ui ? await pickPort(options, 'temporalUi') : undefined;
  const dbFilename = path.join(options.dataDir, 'temporal.db');
  const tuning = ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF', '--log-level', 'error'];
  for (const [name, type] of Object.entries(WAYMARK_SEARCH_ATTRIBUTES))
    tuning.push('--search-attribute', `${name}=${type}`);
  if (uiPort && options.uiCodecEndpoint) tuning.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  const address = `${HOST}:${port}`;
  const uiUrl = uiPort ? `http://${HOST}:${uiPort}` : undefined;

  let cli: string;
  try {
    cli = await provisionTemporalCli(options.log);
  } catch (error) {
    if (!(error instanceof ProvisionError)) throw error;
    const downloaded = await startDownloadedDevServer(
      { ip: HOST, port, uiPort, dbFilename, extraArgs: tuning },
      options,
    );
    if (!downloaded) throw error;
    stoppers.push(downloaded.stop);
    return { address, uiUrl };
  }
  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port), '--db-filename', dbFilename];
  args.push('--http-port', String(await freePort(HOST)), '--metrics-port', String(await freePort(HOST)));
  args.push(...(uiPort ? ['--ui-port', String(uiPort), '--ui-ip', HOST] : ['--headless']), ...tuning);
  const ready = (server: ServerProcess) =>
    waitUntilReady(server, async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return true;
      } finally {
        await connection.close();
      }
    });
  let server = startServerProcess('temporal', cli, args);
  stoppers.push(() => server.stop());
  await ready(server);
  servers.temporal = {
    pid: () => server.child.pid,
    restart: async () => {
      await killByPid(server.child.pid);
      server = startServerProcess('temporal', cli, args);
      await ready(server);
    },
  };
  return { address, uiUrl };
}

async function startMongo(
  options: StackOptions,
  stoppers: Array<() => Promise<void>>,
  store: StoreKind,
  servers: Servers,
) {
  const port = await pickPort(options, 'mongo');
  const storeOptions = { dataDir: options.dataDir, host: HOST, port, log: options.log };
  let server = await startStore(store, storeOptions);
  stoppers.push(() => server.stop());
  servers.store = {
    pid: () => server.pid,
    restart: async () => {
      await killByPid(server.pid);
      server = await startStore(store, storeOptions);
    },
  };
  return server;
}

/** Waits for every start; when several cannot be provisioned, one message lists every fix (not just the first). */
async function allOrOneError<T extends readonly unknown[]>(
  starts: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(starts);
  const errors = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (errors.length === 0) return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as never;
  const provisioning = errors.filter((e): e is ProvisionError => e instanceof ProvisionError);
  if (provisioning.length < 2 || provisioning.length !== errors.length) throw errors[0];
  throw new ProvisionError(
    provisioning.map((e) => e.message.split('\n  → ')[0]).join('\n'),
    provisioning.map((e) => e.fix).join('\n  → '),
  );
}

/**
 * Starts what the environment does not already provide: Temporal dev server, a MongoDB-wire server (see
 * `chooseStore`), the SMTP sink and the Twilio sink. Addresses come back as the env vars the app reads.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const given = options.env ?? process.env;
  const store = given.MONGODB_URI ? undefined : chooseStore(given, onPath('mongod') !== undefined);
  mkdirSync(options.dataDir, { recursive: true });
  const stoppers: Array<() => Promise<void>> = [];
  const servers: Servers = {};
  const stop = async () => {
    for (const s of stoppers.reverse()) await s().catch(() => undefined);
  };
  try {
    const [temporal, mongo] = await allOrOneError([
      given.TEMPORAL_ADDRESS
        ? Promise.resolve({ address: given.TEMPORAL_ADDRESS, uiUrl: given.TEMPORAL_UI_URL })
        : startTemporal(options, stoppers, servers),
      store
        ? startMongo(options, stoppers, store, servers)
        : Promise.resolve({ uri: given.MONGODB_URI!, pid: undefined }),
    ] as const);
    const env: StackEnv = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_UI_URL: temporal.uiUrl,
      MONGODB_URI: mongo.uri,
      SMTP_URL: given.SMTP_URL ?? '',
      SMTP_SINK_URL: given.SMTP_SINK_URL,
      TWILIO_API_URL: given.TWILIO_API_URL,
      TWILIO_ACCOUNT_SID: given.TWILIO_ACCOUNT_SID ?? DEV_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: given.TWILIO_AUTH_TOKEN ?? DEV_AUTH_TOKEN,
    };
    if (!given.SMTP_URL) {
      const smtp = await startSmtpSink({
        host: HOST,
        smtpPort: await pickPort(options, 'smtp'),
        httpPort: await pickPort(options, 'smtpHttp'),
      });
      stoppers.push(() => smtp.close());
      env.SMTP_URL = smtp.smtpUrl;
      env.SMTP_SINK_URL = smtp.httpUrl;
    }
    if (!given.TWILIO_API_URL && !given.TWILIO_ACCOUNT_SID) {
      const twilio = await startTwilioSink({
        host: HOST,
        port: await pickPort(options, 'twilio'),
        accountSid: env.TWILIO_ACCOUNT_SID,
        authToken: env.TWILIO_AUTH_TOKEN,
      });
      stoppers.push(() => twilio.close());
      env.TWILIO_API_URL = twilio.url;
    }
    return { env, store, storePid: mongo.pid, servers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
