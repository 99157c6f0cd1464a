// `npm run bench:ingest [-- --events 300 --concurrency 16]`: events/s and p50/p99 latency from sending an event to
// its journey run having handled it (the run's `state` query shows the step the signal leads to), through the HTTP
// API and, in the same run against the same servers, through a direct client.signalWithStart loop. Loopback only,
// bounded by --events. Starts a private embedded stack unless TEMPORAL_ADDRESS and MONGODB_URI are set.
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
import { journeyWorkflowId } from '../workflows/sdk/workflow-id';
import { journeyStateQuery } from '../workflows/sdk/queries';
import { WaymarkCustomerId, WaymarkJourney, WaymarkJourneyVersion } from '../workflows/sdk/search-attributes';
import type { Client } from '@temporalio/client';

const STEP_AFTER_SIGNAL = 'cart-idle';

interface PhaseResult {
  label: string;
  events: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function handled(client: Client, workflowId: string): Promise<void> {
  for (;;) {
    const state = await client.workflow
      .getHandle(workflowId)
      .query(journeyStateQuery)
      .catch(() => undefined);
    if (state?.steps.some((s) => s.step === STEP_AFTER_SIGNAL)) return;
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
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events) {
        const i = next++;
        const t0 = performance.now();
        await handled(client, await send(i));
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    label,
    events,
    seconds,
    perSecond: events / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function main() {
  const opts = new Command()
    .option('--events <n>', 'events per phase', (v) => parseInt(v, 10), 300)
    .option('--concurrency <n>', 'events in flight', (v) => parseInt(v, 10), 16)
    .parse()
    .opts<{ events: number; concurrency: number }>();

  const log = (line: string) => console.error(`[bench] ${line}`);
  const stack = await startStack({
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'waymark-bench-')),
    ports: 'free',
    ui: false,
    log,
  });
  const config = loadConfig({ ...process.env, ...stack.env, API_KEYS: 'bench', QUIET_HOURS: '', LOG_LEVEL: 'warn' });
  await mongoose.connect(config.MONGODB_URI);
  const { worker, temporal, close } = await createWaymarkWorker(config);
  const running = worker.run();
  const app = await buildServer({ config, temporal });
  const apiUrl = await app.listen({ host: '127.0.0.1', port: await freePort() });

  const customers = opts.events * 2;
  await Profile.insertMany(
    Array.from({ length: customers }, (_, i) => ({
      _id: `bench-${i}`,
      email: `bench-${i}@example.com`,
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
      const customerId = `bench-${i}`;
      const workflowId = journeyWorkflowId('abandoned-cart', customerId, 'direct');
      await temporal.workflow.signalWithStart('abandonedCartV2', {
        workflowId,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [{ customerId, key: 'direct' }],
        signal: 'cart.updated',
        signalArgs: [
          {
            id: `direct-${i}`,
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
      const customerId = `bench-${opts.events + i}`;
      const res = await fetch(`${apiUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'bench' },
        body: JSON.stringify({ id: `api-${i}`, signal: 'cart.updated', customerId, data: cart('api') }),
      });
      if (res.status !== 202) throw new Error(`POST /v1/events answered ${res.status}: ${await res.text()}`);
      return journeyWorkflowId('abandoned-cart', customerId, 'api');
    },
    temporal,
  );

  const fmt = (r: PhaseResult) =>
    `${r.label.padEnd(24)} ${r.events} events in ${r.seconds.toFixed(1)} s  ${r.perSecond.toFixed(1)}/s  ` +
    `p50 ${r.p50.toFixed(0)} ms  p99 ${r.p99.toFixed(0)} ms`;
  console.log(
    `\ningest bench: Temporal ${config.TEMPORAL_ADDRESS}, store ${config.MONGODB_URI}, concurrency ${opts.concurrency}`,
  );
  console.log(fmt(direct));
  console.log(fmt(viaApi));
  console.log(
    `ratio API/direct: throughput ${(viaApi.perSecond / direct.perSecond).toFixed(2)}, ` +
      `p50 ${(viaApi.p50 / direct.p50).toFixed(2)}x, p99 ${(viaApi.p99 / direct.p99).toFixed(2)}x`,
  );

  await app.close();
  worker.shutdown();
  await running;
  await close();
  await mongoose.disconnect();
  await stack.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
