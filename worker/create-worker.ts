import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import mongoose from 'mongoose';
import type { Config } from '../config';
import { createActivities } from '../activities';
import { waymarkDataConverter } from '../codec/data-converter';
import { createMailer, type Mailer } from '../delivery/providers/smtp-transport';
import { createSmsClient, type SmsClient } from '../delivery/providers/twilio-client';
import { createEventRouter } from '../routing/event-router';
import { customerModel } from '../routing/segment-upkeep';
import { createSegmentRechecker } from '../routing/segment-recheck';
import { createOutboxSweeper } from '../routing/outbox-sweep';
import { catalog as journeyCatalog } from '../journeys';
import { modelsReady } from '../models/ready';
import type { JourneyCatalog } from '../journeys/journey-folder';
import { ensureAudienceIndexes } from './audience-indexes';
import { workflowBundlerOptions } from './workflow-bundle';

export interface WaymarkWorker {
  worker: Worker;
  /** The worker's Temporal client (the audience activities route events with it; start-up creates schedules). */
  temporal: Client;
  /** Closes the connections the worker opened (call after `worker.run()` resolves). */
  close(): Promise<void>;
}

/** The send path's providers; the testing kit and `waymark simulate` hand in ones that send nothing. */
export interface WorkerProviders {
  mailer: Mailer;
  twilio: SmsClient;
}

/**
 * A worker for every journey version, the audience scan and all activities. Workflow code comes from
 * `workflows/index.ts` (bundled at start), or from a prebuilt bundle when given (tests).
 */
export async function createWaymarkWorker(
  config: Config,
  overrides: Partial<Pick<WorkerOptions, 'taskQueue' | 'workflowBundle' | 'workflowsPath' | 'interceptors'>> & {
    providers?: WorkerProviders;
    /**
     * The journeys routed to, the audiences scanned and the templates sent; default the catalog (journeys/index.ts).
     * Give it with the `workflowsPath` of a bundle that exports the same journeys (a test's fixture journeys).
     */
    catalog?: JourneyCatalog;
  } = {},
): Promise<WaymarkWorker> {
  if (mongoose.connection.readyState !== 1) await mongoose.connect(config.MONGODB_URI);
  await modelsReady();
  const catalog = overrides.catalog ?? journeyCatalog;
  // Each audience's date field is indexed from the catalog: a new date journey brings its own index.
  await ensureAudienceIndexes(catalog.audiences);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  // Payloads are encrypted (codec/): what the worker and its client write to Temporal is unreadable without a key.
  const dataConverter = waymarkDataConverter(config);
  const temporal = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const mailer = overrides.providers?.mailer ?? createMailer(config);
  const twilio = overrides.providers?.twilio ?? createSmsClient(config);
  // Audience matches enter journeys through the same router as API events.
  const taskQueue = overrides.taskQueue ?? config.TEMPORAL_TASK_QUEUE;
  const routerDeps = {
    client: temporal,
    taskQueue,
    catalog: catalog.journeys,
    customers: customerModel(config.SEGMENT_UPKEEP),
  };
  const routeEvent = createEventRouter(routerDeps);
  const recheckCustomer = createSegmentRechecker(routerDeps);
  const sweepOutbox = createOutboxSweeper(routerDeps);
  const code = overrides.workflowBundle
    ? { workflowBundle: overrides.workflowBundle }
    : {
        workflowsPath: overrides.workflowsPath ?? require.resolve('../workflows'),
        bundlerOptions: workflowBundlerOptions,
      };

  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter,
    taskQueue,
    ...code,
    activities: createActivities({ config, mailer, twilio, routeEvent, recheckCustomer, sweepOutbox, catalog }),
    interceptors: overrides.interceptors,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
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
