// `npm run bench:ingest [-- --events 300 --concurrency 16]`: events/s and p50/p99 latency from sending an event to
// its journey run having handled it (the run shows the step the signal leads to), through the HTTP
// API and, in the same run against the same servers, through a direct client.signalWithStart loop. Loopback only,
// bounded by --events. Starts a private embedded stack unless TEMPORAL_ADDRESS and MONGODB_URI are set.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import mongoose from 'mongoose';
import { loadConfig } from '../config';
import { buildServer } from '../api/server';
import { startStack } from '../dev/stack';
import { freePort } from '../dev/free-port';
import { Profile } from '../models/profile';
import { createWaymarkWorker } from '../worker/create-worker';
import { journeyWorkflowId } from '../sdk/workflow-id';
import {
  WaymarkCustomerId,
  WaymarkJourney,
  WaymarkJourneyVersion,
  WaymarkStep,
} from '../sdk/search-attributes';
import type { Client } from '@temporalio/client';

const STEP_AFTER_SIGNAL = 'cart-idle';
const HANDLED_TIMEOUT_MS = 60_000;

interface PhaseResult {
  label: string;
  events: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Until the send returned (202 / signalWithStart answered), before the run handled it. */
  acceptedP50: number;
  acceptedP99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Polls describe(), which the server answers from the run's own state without a worker: polling the `state` query
 * instead would put the measuring load on the worker being measured. The step is set once the run has handled the
 * trigger event (and its entry eligibility check).
 */
async function handled(client: Client, workflowId: string): Promise<void> {
  const deadline = Date.now() + HANDLED_TIMEOUT_MS;
  for (;;) {
    const description = await client.workflow
      .getHandle(workflowId)
      .describe()
      .catch(() => undefined);
    if (description?.typedSearchAttributes.get(WaymarkStep) === STEP_AFTER_SIGNAL) return;
    if (Date.now() > deadline) throw new Error(`${workflowId} did not reach ${STEP_AFTER_SIGNAL}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function phase(
  label: string,
  events: number,
  concurrency: number,
  send: (i: number) => Promise<string>,
  client: Client,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const accepted: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events) {
        const i = next++;
        const t0 = performance.now();
        const workflowId = await send(i);
        accepted.push(performance.now() - t0);
        await handled(client, workflowId);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  accepted.sort((a, b) => a - b);
  return {
    label,
    events,
    seconds,
    perSecond: events / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    acceptedP50: percentile(accepted, 50),
    acceptedP99: percentile(accepted, 99),
  };
}

async function main() {
  const opts = new Command()
    .option('--events <n>', 'events per phase', (v) => parseInt(v, 10), 300)
    .option('--concurrency <n>', 'events in flight', (v) => parseInt(v, 10), 16)
    .parse()
    .opts<{ events: number; concurrency: number }>();

  const log = (line: string) => console.error(`[bench] ${line}`);
  const external = Boolean(process.env.TEMPORAL_ADDRESS && process.env.MONGODB_URI);
  const stack = external
    ? undefined
    : await startStack({
        dataDir: mkdtempSync(path.join(os.tmpdir(), 'waymark-bench-')),
        ports: 'free',
        ui: false,
        log,
      });
  // Own task queue and ids: on shared servers the bench neither feeds another worker nor meets an earlier run.
  const runTag = randomUUID().slice(0, 8);
  const config = loadConfig({
    ...process.env,
    ...stack?.env,
    TEMPORAL_TASK_QUEUE: `bench-ingest-${runTag}`,
    API_KEYS: 'bench',
    QUIET_HOURS: '',
    LOG_LEVEL: 'warn',
  });
  await mongoose.connect(config.MONGODB_URI);
  const { worker, temporal, close } = await createWaymarkWorker(config);
  const running = worker.run();
  const app = await buildServer({ config, temporal });
  const apiUrl = await app.listen({ host: '127.0.0.1', port: await freePort() });

  const customers = opts.events * 2;
  await Profile.insertMany(
    Array.from({ length: customers }, (_, i) => ({
      _id: `bench-${runTag}-${i}`,
      email: `bench-${runTag}-${i}@example.com`,
      consent: { email: { status: 'granted' } },
    })),
  );
  const cart = (cartId: string) => ({
    cartId,
    items: [{ sku: 'A1', name: 'Boots', qty: 1, price: 80 }],
    total: 80,
    currency: 'EUR',
    url: `https://shop.example/${cartId}`,
  });

  const direct = await phase(
    'client.signalWithStart',
    opts.events,
    opts.concurrency,
    async (i) => {
      const customerId = `bench-${runTag}-${i}`;
      const workflowId = journeyWorkflowId('abandoned-cart', customerId, 'direct');
      await temporal.workflow.signalWithStart('abandonedCartV2', {
        workflowId,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [{ customerId, key: 'direct' }],
        signal: 'cart.updated',
        signalArgs: [
          {
            id: `direct-${runTag}-${i}`,
            signal: 'cart.updated',
            version: 1,
            customerId,
            occurredAt: new Date().toISOString(),
            data: cart('direct'),
          },
        ],
        typedSearchAttributes: [
          { key: WaymarkCustomerId, value: customerId },
          { key: WaymarkJourney, value: 'abandoned-cart' },
          { key: WaymarkJourneyVersion, value: 2 },
        ],
      });
      return workflowId;
    },
    temporal,
  );

  const viaApi = await phase(
    'POST /v1/events',
    opts.events,
    opts.concurrency,
    async (i) => {
      const customerId = `bench-${runTag}-${opts.events + i}`;
      const res = await fetch(`${apiUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'bench' },
        body: JSON.stringify({ id: `api-${runTag}-${i}`, signal: 'cart.updated', customerId, data: cart('api') }),
      });
      if (res.status !== 202) throw new Error(`POST /v1/events answered ${res.status}: ${await res.text()}`);
      return journeyWorkflowId('abandoned-cart', customerId, 'api');
    },
    temporal,
  );

  const fmt = (r: PhaseResult) =>
    `${r.label.padEnd(24)} ${r.events} events in ${r.seconds.toFixed(1)} s  ${r.perSecond.toFixed(1)}/s  ` +
    `handled p50 ${r.p50.toFixed(0)} ms p99 ${r.p99.toFixed(0)} ms  ` +
    `(accepted p50 ${r.acceptedP50.toFixed(0)} ms p99 ${r.acceptedP99.toFixed(0)} ms)`;
  console.log(
    `\ningest bench: Temporal ${config.TEMPORAL_ADDRESS}, store ${config.MONGODB_URI}, concurrency ${opts.concurrency}`,
  );
  console.log(fmt(direct));
  console.log(fmt(viaApi));
  console.log(
    `ratio API/direct: throughput ${(viaApi.perSecond / direct.perSecond).toFixed(2)}, ` +
      `handled p50 ${(viaApi.p50 / direct.p50).toFixed(2)}x, p99 ${(viaApi.p99 / direct.p99).toFixed(2)}x; ` +
      `accepted p50 ${(viaApi.acceptedP50 / direct.acceptedP50).toFixed(2)}x`,
  );

  await app.close();
  worker.shutdown();
  await running;
  await close();
  await mongoose.disconnect();
  await stack?.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
