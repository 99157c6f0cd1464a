import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../config';
import { buildServer } from '../../api/server';
import { freePort } from '../../dev/free-port';
import { connectTemporal, uniqueTaskQueue } from './servers';

export const ADMIN_KEY = 'admin-test-key';
export const INGEST_KEY = 'ingest-test-key';
export const SITE_KEY = 'site-test-key';
export const CODEC_KEY = 'codec-test-key';

export interface RunningApi {
  app: FastifyInstance;
  config: Config;
  /** http://127.0.0.1:<port>, also the API's PUBLIC_URL (mail links and Twilio signatures use it). */
  baseUrl: string;
  /** fetch against the API with the admin key unless `headers` say otherwise. */
  call(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real API (`buildServer`) listening on a real port of its own, against the global setup's Temporal and store
 * (mongoose must be connected by the suite), with one key per scope. A task queue no worker polls unless given.
 */
export async function startApi(overrides: Partial<Record<keyof Config, string>> = {}): Promise<RunningApi> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ...process.env,
    API_KEYS: `${ADMIN_KEY},${INGEST_KEY}:ingest,${SITE_KEY}:site,${CODEC_KEY}:codec`,
    PUBLIC_URL: baseUrl,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('api'),
    ...overrides,
  });
  const temporal = await connectTemporal();
  const app = await buildServer({ config, temporal: temporal.client, streamPollMs: 100 });
  await app.listen({ host: '127.0.0.1', port });
  return {
    app,
    config,
    baseUrl,
    call: (path, init = {}) => {
      const { json, headers, ...rest } = init;
      return fetch(`${baseUrl}${path}`, {
        ...rest,
        headers: {
          authorization: `Bearer ${ADMIN_KEY}`,
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
          ...(headers as Record<string, string> | undefined),
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
    },
    close: async () => {
      await app.close();
      await temporal.close();
    },
  };
}
