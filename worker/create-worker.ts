import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import mongoose from 'mongoose';
import type { Config } from '../config';
import { createActivities } from '../activities';
import { createMailer } from '../activities/providers/smtp-transport';
import { createTwilioClient } from '../activities/providers/twilio-client';

export interface WaymarkWorker {
  worker: Worker;
  /** The worker's Temporal client (activities use it to route events; start-up uses it for schedules). */
  temporal: Client;
  /** Closes the connections the worker opened (call after `worker.run()` resolves). */
  close(): Promise<void>;
}

/**
 * A worker for every journey version, the audience scan and all activities. Workflow code comes from
 * `workflows/index.ts` (bundled at start), or from a prebuilt bundle when given (tests).
 */
export async function createWaymarkWorker(
  config: Config,
  overrides: Partial<Pick<WorkerOptions, 'taskQueue' | 'workflowBundle' | 'workflowsPath' | 'interceptors'>> = {},
): Promise<WaymarkWorker> {
  if (mongoose.connection.readyState !== 1) await mongoose.connect(config.MONGODB_URI);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const mailer = createMailer(config);
  const twilio = createTwilioClient(config);
  const code = overrides.workflowBundle
    ? { workflowBundle: overrides.workflowBundle }
    : { workflowsPath: overrides.workflowsPath ?? require.resolve('../workflows') };

  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: overrides.taskQueue ?? config.TEMPORAL_TASK_QUEUE,
    ...code,
    activities: createActivities({ config, mailer, twilio, temporal }),
    interceptors: overrides.interceptors,
  });
  return {
    worker,
    temporal,
    close: async () => {
      mailer.close();
      await clientConnection.close();
      await connection.close();
    },
  };
}
