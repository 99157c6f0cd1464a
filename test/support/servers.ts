import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { waymarkDataConverter } from '../../codec/data-converter';

/** An address the global setup exported; a clear failure when a suite runs without it. */
export function serverEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\` (the global setup starts servers)`);
  return value;
}

/** A mongoose connection to a database of the suite's own, dropped by `close`. */
export async function connectTestDatabase(prefix: string) {
  const uri = new URL(serverEnv('MONGODB_URI'));
  uri.pathname = `/${prefix}-${randomUUID().slice(0, 8)}`;
  await mongoose.connect(uri.toString());
  return {
    uri: uri.toString(),
    close: async () => {
      await mongoose.connection.db?.dropDatabase().catch(() => undefined);
      await mongoose.disconnect();
    },
  };
}

/** A Temporal client (with the payload codec every Waymark client uses) and a native worker connection to the dev server. */
export async function connectTemporal() {
  const address = serverEnv('TEMPORAL_ADDRESS');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const dataConverter = waymarkDataConverter(loadConfig(process.env));
  return {
    client: new Client({ connection, dataConverter }),
    /** For test workers that share this client's runs. */
    dataConverter,
    nativeConnection,
    close: async () => {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** Workflow code for test workers: the bundle the global setup built, else the source. */
export function workflowCodeOptions(): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const codePath = process.env.WAYMARK_WORKFLOW_BUNDLE;
  return codePath ? { workflowBundle: { codePath } } : { workflowsPath: require.resolve('../../workflows') };
}

export function uniqueTaskQueue(name: string): string {
  return `${name}-${randomUUID().slice(0, 8)}`;
}
