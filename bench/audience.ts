// `npm run bench:audience` / `npm run bench:scale` (= `-- --events 1000000`): Waymark at scale on one store.
// Seeds 100k profiles (5% renewing inside the 30-day window: 5k matches) straight through the driver. With --events,
// measures POST /v1/events latency (`npm run api`, its own process; one event at a time) on the fresh store, records
// that many routed events (insertMany in batches), and measures it again: the ratio says whether the store keeps its
// speed as data grows. Then runs the renewal-window audience scan as the worker does (workflow + activities + router,
// on the Temporal dev server) and prints profiles/s and journeys started/s beside the store's own full-read rate.
// Journey runs are started on a task queue no worker polls: this measures entry, not sends. Starts a private embedded
// stack unless TEMPORAL_ADDRESS and MONGODB_URI are set (then a database of the run's own). Loopback only.
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Command } from 'commander';
import mongoose from 'mongoose';
import { createAudienceActivities } from '../activities/audience-activities';
import { renewalWindowAudience } from '../journeys';
import { readAudienceWindow } from '../activities/audience-window';
import type { AudienceScanResult } from '../sdk/contracts/audience';
import { startWaymarkProcess, type WaymarkProcess } from '../dev/waymark-process';
import { Profile } from '../models/profile';
import { ensureAudienceIndexes } from '../worker/audience-indexes';
import { createEventRouter } from '../routing/event-router';
import { DAY_MS } from '../sdk/durations';
import { apiEventLatency, type LatencySample } from './support/api-latency';
import { loadLine, num, table, verdict } from './support/report';
import { seedRoutedEvents } from './support/seed-events';
import { benchServers } from './support/servers';

const BATCH = 10_000;
/** Share of profiles with an active policy renewing inside the 30-day window. */
const IN_WINDOW = Number(process.env.BENCH_IN_WINDOW ?? 0.05);
const WINDOW_DAYS = 30;
const PAGE_SIZE = 1_000;
/** Signal-with-starts in flight (the activity's default when unset). */
const CONCURRENCY = process.env.BENCH_CONCURRENCY ? Number(process.env.BENCH_CONCURRENCY) : undefined;
const AS_OF = '2030-06-01';
const asOf = Date.parse(`${AS_OF}T00:00:00Z`);
const API_KEY = 'bench';

const log = (line: string) => process.stdout.write(`${line}\n`);
const rate = (n: number, ms: number) => `${Math.round((n * 1000) / ms).toLocaleString('en')}/s`;
const profileId = (i: number) => `bench-${String(i).padStart(7, '0')}`;

function profile(i: number) {
  const inWindow = i % Math.round(1 / IN_WINDOW) === 0;
  // Outside the window: spread over the rest of the year.
  const days = inWindow ? (i % WINDOW_DAYS) + 0.5 : WINDOW_DAYS + 1 + (i % 330);
  return {
    _id: profileId(i),
    email: `bench-${i}@example.com`,
    consent: { email: { status: 'granted' }, sms: { status: 'unknown' }, web: { status: 'unknown' } },
    attributes: {},
    anonymousIds: [],
    policies: [
      { policyId: `pol-${i}`, product: 'home', status: 'active', renewalDate: new Date(asOf + days * DAY_MS) },
    ],
    dependents: [],
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

async function main() {
  const opts = new Command()
    .option('--profiles <n>', 'profiles seeded', (v) => parseInt(v, 10), Number(process.env.BENCH_PROFILES ?? 100_000))
    .option(
      '--events <n>',
      'routed events recorded between the two API latency samples (0: no API part)',
      (v) => parseInt(v, 10),
      0,
    )
    .option('--latency-sample <n>', 'events per API latency sample', (v) => parseInt(v, 10), 300)
    .parse()
    .opts<{ profiles: number; events: number; latencySample: number }>();
  const PROFILES = opts.profiles;
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const servers = await benchServers((line) => log(line));
  const env = servers.env;
  let api: WaymarkProcess | undefined;
  await mongoose.connect(env.MONGODB_URI);
  const hello = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
  const server = /ferret/i.test(JSON.stringify(hello)) ? 'FerretDB' : `MongoDB-wire ${hello.version}`;
  log(`store: ${server} at ${env.MONGODB_URI}`);
  log(`temporal: ${env.TEMPORAL_ADDRESS}; ${os.cpus().length} cores`);

  try {
    await Profile.init(); // the indexes autoIndex builds (a createCollection beside it would race)
    await ensureAudienceIndexes(); // the date indexes, as the worker makes them at start
    const [, seedMs] = await timed(async () => {
      for (let i = 0; i < PROFILES; i += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, PROFILES - i) }, (_, k) => profile(i + k));
        await Profile.collection.insertMany(batch as never[], { ordered: false });
      }
    });
    log(
      `seeded ${PROFILES.toLocaleString('en')} profiles in ${(seedMs / 1000).toFixed(1)} s (${rate(PROFILES, seedMs)})`,
    );

    // The API on a growing store: the same sample of events before and after `--events` recorded events.
    let latency: { start: LatencySample; end: LatencySample; seededMs: number } | undefined;
    if (opts.events > 0) {
      api = await startWaymarkProcess('api', {
        ...env,
        API_KEYS: API_KEY,
        TEMPORAL_TASK_QUEUE: `bench-journeys-${servers.tag}`,
        LOG_LEVEL: 'warn',
      });
      const sample = (round: string) => (i: number) => ({
        id: `latency-${round}-${i}`,
        signal: 'cart.updated',
        customerId: profileId((i * 7919 + (round === 'end' ? 1 : 0)) % PROFILES),
        data: { cartId: `latency-${round}-${i}`, items: [], total: 0, currency: 'EUR', url: 'https://shop.example/c' },
      });
      await apiEventLatency(api.url!, API_KEY, 20, sample('warm-up'));
      const start = await apiEventLatency(api.url!, API_KEY, opts.latencySample, sample('start'));
      log(`API latency at the start: p50 ${num(start.p50, 1)} ms, p99 ${num(start.p99, 1)} ms`);
      log(`recording ${opts.events.toLocaleString('en')} routed events…`);
      const seededMs = await seedRoutedEvents(opts.events, (i) => profileId((i * 31) % PROFILES));
      log(`recorded in ${(seededMs / 1000).toFixed(1)} s (${rate(opts.events, seededMs)})`);
      const end = await apiEventLatency(api.url!, API_KEY, opts.latencySample, sample('end'));
      log(`API latency after them: p50 ${num(end.p50, 1)} ms, p99 ${num(end.p99, 1)} ms`);
      latency = { start, end, seededMs };
      await api.stop();
      api = undefined;
    }

    const window = { start: new Date(asOf), end: new Date(asOf + WINDOW_DAYS * DAY_MS) };
    const filter = renewalWindowAudience.filter(window);

    // The store's ceiling: one cursor over the whole collection, and one over the window with the date index hinted.
    const [all, allMs] = await timed(() => Profile.collection.find({}, { projection: { _id: 1 } }).toArray());
    const [inWindow, windowMs] = await timed(() =>
      Profile.collection.find(filter, { hint: { 'policies.renewalDate': 1 }, projection: { policies: 1 } }).toArray(),
    );
    // Our read without Temporal: the scan activity's one cursor over the window, in pages, with the matches.
    const [pages, pagedMs] = await timed(async () => {
      let n = 0;
      for await (const page of readAudienceWindow({
        audience: 'renewal-window',
        windowStart: window.start.toISOString(),
        windowEnd: window.end.toISOString(),
        pageSize: PAGE_SIZE,
        maxPages: Math.ceil(PROFILES / PAGE_SIZE) + 1,
      }))
        n += page.profilesScanned > 0 ? 1 : 0;
      return n;
    });

    // Ours: the audience-scan workflow on the dev server, routing every match (event record + signal-with-start).
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    const client = new Client({ connection });
    const native = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
    const taskQueue = `bench-audience-${servers.tag}`;
    const worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowsPath: require.resolve('../workflows/audience-scan'),
      activities: createAudienceActivities({
        routeEvent: createEventRouter({ client, taskQueue: `bench-journeys-${servers.tag}` }),
        ...(CONCURRENCY ? { concurrency: CONCURRENCY } : {}),
      }),
    });
    const [result, scanMs] = await worker.runUntil(() =>
      timed(
        () =>
          client.workflow.execute('audienceScan', {
            workflowId: `bench-audience-${servers.tag}`,
            taskQueue,
            args: [{ audience: 'renewal-window', windowDays: WINDOW_DAYS, asOf: AS_OF, pageSize: PAGE_SIZE }],
          }) as Promise<AudienceScanResult>,
      ),
    );
    await native.close();
    await connection.close();

    log('');
    log(`scale bench: ${PROFILES.toLocaleString('en')} profiles, ${opts.events.toLocaleString('en')} recorded events`);
    log(`store: ${server}; Temporal dev server ${env.TEMPORAL_ADDRESS}`);
    log(loadLine());
    if (latency) {
      const { start, end } = latency;
      log(
        table(
          ['POST /v1/events, one at a time', 'events', 'p50 ms', 'p99 ms', 'mean ms'],
          [
            [
              'on a store with 0 recorded events',
              num(start.events),
              num(start.p50, 1),
              num(start.p99, 1),
              num(start.mean, 1),
            ],
            [
              `after ${num(opts.events)} recorded events`,
              num(end.events),
              num(end.p50, 1),
              num(end.p99, 1),
              num(end.mean, 1),
            ],
          ],
        ),
      );
      log(`(${num(opts.events)} events recorded through the driver in ${num(latency.seededMs / 1000, 1)} s)`);
      log('');
    }
    const populationPerSecond = (PROFILES * 1000) / scanMs;
    const fullReadPerSecond = (all.length * 1000) / allMs;
    log(
      table(
        ['audience scan', 'count', 'seconds', 'rate'],
        [
          [
            'store: full collection read, one cursor (docs)',
            num(all.length),
            num(allMs / 1000, 1),
            rate(all.length, allMs),
          ],
          [
            'store: window query, one cursor, index hint (profiles)',
            num(inWindow.length),
            num(windowMs / 1000, 1),
            rate(inWindow.length, windowMs),
          ],
          [
            `scan activity alone, pages of ${PAGE_SIZE} (${pages} pages; profiles)`,
            num(inWindow.length),
            num(pagedMs / 1000, 1),
            rate(inWindow.length, pagedMs),
          ],
          ['Waymark scan: population covered (profiles)', num(PROFILES), num(scanMs / 1000, 1), rate(PROFILES, scanMs)],
          [
            'Waymark scan: matches in the window (profiles)',
            num(result.profilesScanned),
            num(scanMs / 1000, 1),
            rate(result.profilesScanned, scanMs),
          ],
          [
            `Waymark scan: journeys started (${CONCURRENCY ?? 'default'} in flight)`,
            num(result.started),
            num(scanMs / 1000, 1),
            rate(result.started, scanMs),
          ],
        ],
      ),
    );
    log(`(${result.matches} matches, ${result.pages} pages, ${result.runs} workflow runs with continue-as-new)`);
    if (latency) {
      log(
        verdict('API p50 latency after the recorded events vs at the start', latency.end.p50 / latency.start.p50, {
          atMost: 1.5,
        }),
      );
    }
    log(
      verdict("audience scan vs the store's full-read rate (population/s)", populationPerSecond / fullReadPerSecond, {
        atLeast: 0.5,
      }),
    );
    log(verdict(`audience scan of ${num(PROFILES)} profiles, seconds`, scanMs / 1000, { atMost: 60 }, ' s'));
  } finally {
    await api?.stop();
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
    await servers.stop();
  }
}

main().catch((error) => {
  console.error(`bench:audience: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
