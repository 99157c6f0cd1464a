import { mkdirSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { Connection } from '@temporalio/client';
import { WAYMARK_SEARCH_ATTRIBUTES } from '../workflows/sdk/search-attributes';
import { startServerProcess, waitUntilReady, type ServerProcess } from './child-process';
import { freePort, portFrom } from './free-port';
import { provisionFerretdb } from './provision/ferretdb';
import { provisionTemporalCli } from './provision/temporal-cli';
import { onPath } from './provision/run-command';
import { startSmtpSink } from './smtp-sink';
import { startTwilioSink } from './twilio-sink';

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
  /** `preferred`: the defaults, or the next free port when taken; `free`: any free port (parallel test runs). */
  ports: 'preferred' | 'free';
  /** Serve the Temporal UI (npm start) or not (tests). */
  ui: boolean;
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

export interface Stack {
  env: StackEnv;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const DEV_ACCOUNT_SID = 'ACwaymarkdev0000000000000000000000';
const DEV_AUTH_TOKEN = 'waymark-dev-token';

async function pickPort(mode: StackOptions['ports'], preferred: number): Promise<number> {
  return mode === 'free' ? freePort(HOST) : portFrom(preferred, HOST);
}

async function startTemporal(options: StackOptions, stoppers: Array<() => Promise<void>>) {
  const cli = await provisionTemporalCli(options.log);
  const port = await pickPort(options.ports, DEFAULT_PORTS.temporal);
  const args = [
    'server',
    'start-dev',
    '--ip',
    HOST,
    '--port',
    String(port),
    '--http-port',
    String(await freePort(HOST)),
    '--metrics-port',
    String(await freePort(HOST)),
    '--db-filename',
    path.join(options.dataDir, 'temporal.db'),
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=OFF',
    '--log-level',
    'error',
  ];
  let uiPort: number | undefined;
  if (options.ui) {
    uiPort = await pickPort(options.ports, DEFAULT_PORTS.temporalUi);
    args.push('--ui-port', String(uiPort), '--ui-ip', HOST);
  } else {
    args.push('--headless');
  }
  for (const [name, type] of Object.entries(WAYMARK_SEARCH_ATTRIBUTES))
    args.push('--search-attribute', `${name}=${type}`);
  const server = startServerProcess('temporal', cli, args);
  stoppers.push(() => server.stop());
  const address = `${HOST}:${port}`;
  await waitUntilReady(server, async () => {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  });
  return { address, uiUrl: uiPort ? `http://${HOST}:${uiPort}` : undefined };
}

async function startMongo(options: StackOptions, stoppers: Array<() => Promise<void>>): Promise<string> {
  const port = await pickPort(options.ports, DEFAULT_PORTS.mongo);
  const mongod = onPath('mongod');
  let server: ServerProcess;
  if (mongod) {
    const dbPath = path.join(options.dataDir, 'mongod');
    mkdirSync(dbPath, { recursive: true });
    server = startServerProcess('mongod', mongod, ['--bind_ip', HOST, '--port', String(port), '--dbpath', dbPath]);
  } else {
    const ferretdb = await provisionFerretdb(options.log);
    server = startServerProcess('ferretdb', ferretdb, [
      '--listen',
      `${HOST}:${port}`,
      '--data-dir',
      path.join(options.dataDir, 'ferretdb'),
    ]);
  }
  stoppers.push(() => server.stop());
  const uri = `mongodb://${HOST}:${port}/waymark`;
  await waitUntilReady(server, async () => {
    const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 1000 }).asPromise();
    try {
      await connection.db!.admin().ping();
      return true;
    } finally {
      await connection.close();
    }
  });
  return uri;
}

/**
 * Starts what the environment does not already provide: Temporal dev server, a MongoDB-wire server (mongod on PATH,
 * else our FerretDB), the SMTP sink and the Twilio sink. Addresses come back as the env vars the app reads.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const given = options.env ?? process.env;
  mkdirSync(options.dataDir, { recursive: true });
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s().catch(() => undefined);
  };
  try {
    const [temporal, mongoUri] = await Promise.all([
      given.TEMPORAL_ADDRESS
        ? Promise.resolve({ address: given.TEMPORAL_ADDRESS, uiUrl: given.TEMPORAL_UI_URL })
        : startTemporal(options, stoppers),
      given.MONGODB_URI ? Promise.resolve(given.MONGODB_URI) : startMongo(options, stoppers),
    ]);
    const env: StackEnv = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_UI_URL: temporal.uiUrl,
      MONGODB_URI: mongoUri,
      SMTP_URL: given.SMTP_URL ?? '',
      SMTP_SINK_URL: given.SMTP_SINK_URL,
      TWILIO_API_URL: given.TWILIO_API_URL,
      TWILIO_ACCOUNT_SID: given.TWILIO_ACCOUNT_SID ?? DEV_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: given.TWILIO_AUTH_TOKEN ?? DEV_AUTH_TOKEN,
    };
    if (!given.SMTP_URL) {
      const smtp = await startSmtpSink({
        host: HOST,
        smtpPort: await pickPort(options.ports, DEFAULT_PORTS.smtp),
        httpPort: await pickPort(options.ports, DEFAULT_PORTS.smtpHttp),
      });
      stoppers.push(() => smtp.close());
      env.SMTP_URL = smtp.smtpUrl;
      env.SMTP_SINK_URL = smtp.httpUrl;
    }
    if (!given.TWILIO_API_URL && !given.TWILIO_ACCOUNT_SID) {
      const twilio = await startTwilioSink({
        host: HOST,
        port: await pickPort(options.ports, DEFAULT_PORTS.twilio),
        accountSid: env.TWILIO_ACCOUNT_SID,
        authToken: env.TWILIO_AUTH_TOKEN,
      });
      stoppers.push(() => twilio.close());
      env.TWILIO_API_URL = twilio.url;
    }
    return { env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
