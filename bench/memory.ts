// `npm run bench:memory [-- --runs 10000,100000 --cache 10000]`: the worker's resident memory with many waiting runs.
// `npm run worker` (the real entry point, its own process) serves abandoned-cart v2 runs started by
// signal-with-start; each checks eligibility and then waits on its one-hour quiet-for timer. At each level (runs
// started so far) the RSS of the worker's process tree is read from /proc once every run is waiting. Temporal keeps
// at most `maxCachedWorkflows` runs in the worker's memory (the sticky cache; WORKER_MAX_CACHED_WORKFLOWS, unset =
// the SDK's default from the heap size); the others are evicted and replayed from history on their next task. A
// second worker with --cache set (e.g. the first level, so every run stays cached) shows what the cache costs.
import v8 from 'node:v8';
import { Client, Connection } from '@temporalio/client';
import { Command } from 'commander';
import mongoose from 'mongoose';
import { loadConfig } from '../config';
import { startWaymarkProcess, type WaymarkProcess } from '../dev/waymark-process';
import { Profile } from '../models/profile';
import { journeysStartedBy } from '../routing/journey-routes';
import { WaymarkCustomerId, WaymarkJourney, WaymarkJourneyVersion } from '../sdk/search-attributes';
import { journeyWorkflowId } from '../sdk/workflow-id';
import { waitForCount } from './support/histories';
import { openLoop } from './support/open-loop';
import { benchLog, loadLine, num, table, verdict } from './support/report';
import { processTreeRss } from './support/proc';
import { benchServers } from './support/servers';

const GIB = 2 ** 30;
const MIB = 2 ** 20;
const [abandonedCart] = journeysStartedBy('cart.updated');

interface Level {
  worker: string;
  cache: string;
  waiting: number;
  rssMiB: number;
  startedPerSecond: number;
}

async function main() {
  const opts = new Command()
    .option('--runs <list>', 'waiting runs at each level, cumulative', '10000,100000')
    .option('--cache <n>', "a second worker's maxCachedWorkflows (default: the SDK's)", '-1')
    .option('--cache-runs <n>', 'waiting runs for the second worker (default: the first level)', (v) => parseInt(v, 10))
    .option('--in-flight <n>', 'signal-with-starts awaiting an answer at most', (v) => parseInt(v, 10), 64)
    .parse()
    .opts<{ runs: string; cache: string; cacheRuns?: number; inFlight: number }>();
  const levels = opts.runs.split(',').map(Number);
  // The SDK's default for a process with this heap limit (same node, same flags as the worker's).
  const heapMiB = v8.getHeapStatistics().heap_size_limit / MIB;
  const sdkDefaultCache = Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
  const cache = Number(opts.cache) < 0 ? sdkDefaultCache : Number(opts.cache);
  const productCache = loadConfig({ WAYMARK_DEV_STACK: '1' }).WORKER_MAX_CACHED_WORKFLOWS;

  const servers = await benchServers(benchLog);
  const connection = await Connection.connect({ address: servers.env.TEMPORAL_ADDRESS });
  const client = new Client({ connection });
  const results: Level[] = [];
  let worker: WaymarkProcess | undefined;
  try {
    await mongoose.connect(servers.env.MONGODB_URI);
    await Profile.init(); // mongoose's own collection and index creation, finished before anything else writes
    // The comparison first (one level only), so it is in hand even when the long pass is cut short.
    const passes = [
      ...(cache !== productCache
        ? [{ label: `${cache}`, cacheEnv: String(cache), levels: [opts.cacheRuns ?? levels[0]] }]
        : []),
      { label: `${productCache} (Waymark default)`, cacheEnv: undefined, levels },
    ];
    let customerSeq = 0;
    for (const [p, pass] of passes.entries()) {
      const taskQueue = `bench-memory-${servers.tag}-${p}`;
      worker = await startWaymarkProcess('worker', {
        ...servers.env,
        TEMPORAL_TASK_QUEUE: taskQueue,
        QUIET_HOURS: '',
        ...(pass.cacheEnv ? { WORKER_MAX_CACHED_WORKFLOWS: pass.cacheEnv } : {}),
      });
      const idle = processTreeRss(worker.pid);
      results.push({
        worker: `pid ${worker.pid}`,
        cache: pass.label,
        waiting: 0,
        rssMiB: idle.bytes / MIB,
        startedPerSecond: NaN,
      });
      let waiting = 0;
      for (const level of pass.levels) {
        const count = level - waiting;
        const first = customerSeq;
        customerSeq += count;
        const customer = (i: number) => `mem-${servers.tag}-${first + i}`;
        for (let i = 0; i < count; i += 10_000) {
          const ids = Array.from({ length: Math.min(10_000, count - i) }, (_, k) => customer(i + k));
          await Profile.collection.insertMany(
            ids.map((id) => ({
              _id: id,
              email: `${id}@example.com`,
              consent: { email: { status: 'granted' } },
            })) as never[],
            { ordered: false },
          );
        }
        benchLog(`${pass.label}: starting ${count} runs (to ${level} waiting)…`);
        const started = Date.now();
        const loop = await openLoop({ sends: count, rate: 0, inFlight: opts.inFlight }, async (i) => {
          const customerId = customer(i);
          await client.workflow.signalWithStart(abandonedCart.workflowType, {
            workflowId: journeyWorkflowId('abandoned-cart', customerId, 'c'),
            taskQueue,
            args: [{ customerId, key: 'c' }],
            signal: 'cart.updated',
            signalArgs: [
              {
                id: `mem-${customerId}`,
                signal: 'cart.updated',
                version: 1,
                customerId,
                occurredAt: new Date().toISOString(),
                data: {
                  cartId: 'c',
                  items: [{ sku: 'A1', name: 'Boots', qty: 1, price: 80 }],
                  total: 80,
                  currency: 'EUR',
                  url: 'https://shop.example/c',
                },
              },
            ],
            typedSearchAttributes: [
              { key: WaymarkCustomerId, value: customerId },
              { key: WaymarkJourney, value: 'abandoned-cart' },
              { key: WaymarkJourneyVersion, value: abandonedCart.journey.version },
            ],
          });
        });
        if (loop.errors.length) throw new Error(`${loop.errors.length} starts failed, first: ${loop.errors[0]}`);
        waiting = await waitForCount(
          client,
          `TaskQueue="${taskQueue}" AND WaymarkStep="cart-idle"`,
          level,
          4 * 3600_000,
        );
        const startedPerSecond = (count * 1000) / (Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 5000));
        const rss = processTreeRss(worker.pid);
        results.push({
          worker: `pid ${worker.pid}`,
          cache: pass.label,
          waiting,
          rssMiB: rss.bytes / MIB,
          startedPerSecond,
        });
        benchLog(`${waiting} waiting: worker RSS ${num(rss.bytes / MIB)} MiB (${rss.parts})`);
      }
      await worker.stop();
      worker = undefined;
    }
  } finally {
    await worker?.stop();
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
    await connection.close();
    await servers.stop();
  }

  console.log(`\nmemory bench: worker RSS (npm run worker, process tree) with runs waiting on a timer`);
  console.log(`the SDK's default maxCachedWorkflows here: ${sdkDefaultCache} (V8 heap limit ${num(heapMiB)} MiB)`);
  console.log(loadLine());
  console.log(
    table(
      ['worker', 'maxCachedWorkflows', 'waiting runs', 'worker RSS MiB', 'runs started+waiting/s'],
      results.map((r) => [r.worker, r.cache, num(r.waiting), num(r.rssMiB), num(r.startedPerSecond, 1)]),
    ),
  );
  const top = results.filter((r) => r.cache.includes('default')).at(-1)!;
  console.log(
    verdict(`worker RSS with ${num(top.waiting)} waiting runs, GiB`, (top.rssMiB * MIB) / GIB, { atMost: 1 }, ' GiB'),
  );
}

main().catch((error) => {
  console.error(`bench:memory: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
