import { mkdirSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger } from '@temporalio/worker';
import { loadConfig } from '../config';
import { buildServer } from '../api/server';
import { keysWithScope } from '../api/plugins/api-key-auth';
import { createWaymarkWorker } from '../worker/create-worker';
import { waymarkDataConverter } from '../codec/data-converter';
import { startMetricsServer } from '../worker/metrics-server';
import { installTemporalRuntime, temporalMetricsAddress } from '../worker/telemetry';
import { ensureSchedules } from '../worker/schedules';
import { ensureEventRetentionIndex } from '../privacy/retention';
import { startStack } from './stack';
import { ProvisionError } from './provision/provision-error';
import { portFrom } from './free-port';
import { claimDataDir } from './single-instance';

const log = (line: string) => console.log(`waymark: ${line}`);

/** `npm start`: the whole stack on localhost, data under .waymark/ so waiting runs survive a restart. */
async function main() {
  // The metrics ports first: the Temporal runtime binds its exporter when installed, before any worker connection.
  const preferred = loadConfig();
  const metricsPort = await portFrom(preferred.METRICS_PORT);
  const sdkMetricsPort = preferred.TEMPORAL_METRICS_PORT > 0 ? await portFrom(preferred.TEMPORAL_METRICS_PORT) : 0;
  process.env.METRICS_PORT = String(metricsPort);
  process.env.TEMPORAL_METRICS_PORT = String(sdkMetricsPort);
  // The worker's own progress lines (bundling, state changes) would bury the URLs; warnings and errors still show.
  installTemporalRuntime(loadConfig(), new DefaultLogger('WARN'));
  const dataDir = path.resolve(__dirname, '..', '.waymark');
  mkdirSync(dataDir, { recursive: true });
  const claim = claimDataDir(dataDir);
  if ('heldBy' in claim) {
    console.error(`waymark: already running (pid ${claim.heldBy}) on ${dataDir}; stop it first (Ctrl-C there).`);
    process.exit(1);
  }
  // The embedded stack's development secrets are accepted only with this mark (config/secrets.ts).
  process.env.WAYMARK_DEV_STACK = '1';
  // The API's port is chosen first: the Temporal UI is told where the API's codec endpoint is when it starts.
  const early = loadConfig();
  const apiPort = await portFrom(early.API_PORT);
  if (apiPort !== early.API_PORT) log(`port ${early.API_PORT} is taken: the API listens on ${apiPort}`);
  const codecKey = keysWithScope(early.API_KEYS, 'codec')[0];
  const uiCodecEndpoint = codecKey
    ? `http://${early.API_HOST}:${apiPort}/v1/codec/${encodeURIComponent(codecKey)}`
    : undefined;
  log('starting the embedded stack (the first run builds the servers, which takes minutes)…');
  const stack = await startStack({ dataDir, ports: 'preferred', ui: true, uiCodecEndpoint, log });
  for (const [name, value] of Object.entries(stack.env)) if (value && !process.env[name]) process.env[name] = value;
  // The UI decodes payloads from the browser: its origin may call the codec endpoint (CORS).
  if (stack.env.TEMPORAL_UI_URL && !process.env.CODEC_CORS_ORIGINS) {
    process.env.CODEC_CORS_ORIGINS = [
      stack.env.TEMPORAL_UI_URL,
      stack.env.TEMPORAL_UI_URL.replace('127.0.0.1', 'localhost'),
    ].join(',');
  }
  const config = loadConfig();

  await mongoose.connect(config.MONGODB_URI);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: waymarkDataConverter(config),
  });
  await ensureSchedules(temporal, config);
  await ensureEventRetentionIndex(config.EVENT_RETENTION_DAYS);
  const { worker, close: closeWorker } = await createWaymarkWorker(config);
  const workerRun = worker.run();
  const metrics = await startMetricsServer({
    host: config.METRICS_HOST,
    port: config.METRICS_PORT,
    temporalMetricsAddress: temporalMetricsAddress(config),
  });
  const api = await buildServer({ config, temporal, logger: { level: 'warn' } });
  await api.listen({ host: config.API_HOST, port: apiPort });

  const apiUrl = `http://${config.API_HOST}:${apiPort}`;
  console.log(`
  Waymark is running.
    API            ${apiUrl}   (API key: ${config.API_KEYS.split(',')[0]})
    API docs       ${apiUrl}/docs
    Metrics        ${apiUrl}/metrics (API), http://${config.METRICS_HOST}:${config.METRICS_PORT}/metrics (worker)
    Temporal UI    ${stack.env.TEMPORAL_UI_URL ?? '(external Temporal: ' + config.TEMPORAL_ADDRESS + ')'}
    Dev inbox      ${stack.env.SMTP_SINK_URL ?? '(external SMTP: ' + config.SMTP_URL + ')'}
    Twilio sink    ${stack.env.TWILIO_API_URL ?? '(real Twilio)'}/_sink/messages
    MongoDB        ${config.MONGODB_URI}${stack.store ? `   (${stack.store})` : ''}
  Ctrl-C stops everything.
`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await api.close();
    await metrics.close();
    if (worker.getState() === 'RUNNING') worker.shutdown(); // the SDK also reacts to SIGINT by itself
    await workerRun.catch(() => undefined);
    await closeWorker();
    await connection.close();
    await mongoose.disconnect();
    await stack.stop();
    claim.release();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((error) => {
  if (error instanceof ProvisionError) console.error(`\nwaymark: ${error.message}\n`);
  else console.error(`waymark: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
