import pino from 'pino';
import mongoose from 'mongoose';
import { loadConfig } from '../config';
import { createWaymarkWorker } from './create-worker';
import { startMetricsServer } from './metrics-server';
import { ensureSchedules } from './schedules';
import { ensureEventRetentionIndex } from '../privacy/retention';
import { installTemporalRuntime, temporalMetricsAddress } from './telemetry';

async function main() {
  const config = loadConfig(process.env, {
    secrets: ['UNSUBSCRIBE_SECRET', 'PAYLOAD_CODEC_KEYS', 'TWILIO_AUTH_TOKEN'],
  });
  const log = pino({ level: config.LOG_LEVEL, name: 'waymark-worker' });
  installTemporalRuntime(config);
  const metrics = await startMetricsServer({
    host: config.METRICS_HOST,
    port: config.METRICS_PORT,
    temporalMetricsAddress: temporalMetricsAddress(config),
  });
  const bundle = config.WORKFLOW_BUNDLE ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE } } : {};
  const { worker, temporal, close } = await createWaymarkWorker(config, bundle);
  await ensureSchedules(temporal, config);
  await ensureEventRetentionIndex(config.EVENT_RETENTION_DAYS);
  const metricsUrl = `http://${config.METRICS_HOST}:${config.METRICS_PORT}/metrics`;
  log.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, temporal: config.TEMPORAL_ADDRESS, metrics: metricsUrl },
    'worker started',
  );
  // Worker.run() shuts down gracefully on SIGINT/SIGTERM (Runtime's default shutdown signals).
  await worker.run();
  await close();
  await metrics.close();
  await mongoose.disconnect();
  log.info('worker stopped');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
