import type { FastifyInstance } from 'fastify';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig, type Config } from '../../config';
import { buildServer } from '../../api/server';
import { createWaymarkWorker, type WaymarkWorker } from '../../worker/create-worker';
import { connectTestDatabase, uniqueTaskQueue, workflowCodeOptions } from '../support/servers';
import { createTimeSkippingEnv } from '../support/time-skipping';

export const API_KEY = 'e2e-key';

/** The real API and the real worker (every journey, every activity) against one Temporal server. */
export async function startWaymark(
  temporalAddress: string,
  overrides: Record<string, string> = {},
): Promise<{
  app: FastifyInstance;
  waymark: WaymarkWorker;
  config: Config;
  stop(): Promise<void>;
}> {
  // No quiet hours here: whether a send is deferred would depend on the hour CI runs at (tested in test/delivery).
  const config = loadConfig({
    ...process.env,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('e2e'),
    API_KEYS: API_KEY,
    QUIET_HOURS: '',
    ...overrides,
  });
  const waymark = await createWaymarkWorker(config, workflowCodeOptions());
  const running = waymark.worker.run();
  const app = await buildServer({ config, temporal: waymark.temporal });
  return {
    app,
    waymark,
    config,
    stop: async () => {
      await app.close();
      waymark.worker.shutdown();
      await running;
      await waymark.close();
    },
  };
}

export async function post(app: FastifyInstance, url: string, payload: object) {
  const res = await app.inject({ method: 'POST', url, headers: { 'x-api-key': API_KEY }, payload });
  if (res.statusCode >= 300) throw new Error(`POST ${url} answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

export async function put(app: FastifyInstance, url: string, payload: object) {
  const res = await app.inject({ method: 'PUT', url, headers: { 'x-api-key': API_KEY }, payload });
  if (res.statusCode >= 300) throw new Error(`PUT ${url} answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

/** Polls GET /v1/runs/:id until the run has closed; returns what the API says of it. */
export async function closedRun(app: FastifyInstance, workflowId: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await app.inject({
      url: `/v1/runs/${encodeURIComponent(workflowId)}`,
      headers: { 'x-api-key': API_KEY },
    });
    const run = res.json();
    if (run.status && run.status !== 'RUNNING') return run;
    if (Date.now() > deadline) throw new Error(`run ${workflowId} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Polls until `check` answers something truthy (for writes the worker makes in its own time). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not true after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A suite's stack on its own time-skipping server: the server (with Waymark's payload codec), a database of its own
 * and the real API and worker, started before the suite's tests and stopped after them.
 */
export function useTimeSkippingWaymark(database: string, overrides: Record<string, string> = {}) {
  const stack = {} as { env: TestWorkflowEnvironment; waymark: Awaited<ReturnType<typeof startWaymark>> };
  let db: Awaited<ReturnType<typeof connectTestDatabase>> | undefined;
  beforeAll(async () => {
    stack.env = await createTimeSkippingEnv({ waymarkCodec: true });
    db = await connectTestDatabase(database);
    stack.waymark = await startWaymark(stack.env.address, overrides);
  }, 120_000);
  afterAll(async () => {
    await stack.waymark?.stop();
    await db?.close();
    await stack.env?.teardown();
  });
  return stack;
}
