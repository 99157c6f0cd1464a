// `npm run bench:audience`: seeds 100k profiles into the MongoDB-wire server at MONGODB_URI (or a private embedded
// stack), runs the renewal-window audience scan as the worker does (workflow + activities + router, on the Temporal
// dev server), and prints profiles scanned/s and journeys started/s beside the store's own ceiling. Loopback only;
// never part of npm test. Journey runs are started on a task queue no worker polls: this measures entry, not sends.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import mongoose from 'mongoose';
import { createAudienceActivities } from '../activities/audience-activities';
import { renewalWindowAudience } from '../journeys';
import { scanAudiencePage } from '../activities/audience-scan-page';
import type { AudienceScanResult } from '../sdk/contracts/audience';
import { startStack, type Stack } from '../dev/stack';
import { Profile } from '../models/profile';
import { createEventRouter } from '../routing/event-router';
import { DAY_MS } from '../sdk/durations';

const PROFILES = Number(process.env.BENCH_PROFILES ?? 100_000);
const BATCH = 1_000;
/** Share of profiles with an active policy renewing inside the 30-day window. */
const IN_WINDOW = Number(process.env.BENCH_IN_WINDOW ?? 0.05);
const WINDOW_DAYS = 30;
const PAGE_SIZE = 1_000;
/** Signal-with-starts in flight (the activity's default is 8; FerretDB's SQLite answers SQLITE_BUSY under many more). */
const CONCURRENCY = process.env.BENCH_CONCURRENCY ? Number(process.env.BENCH_CONCURRENCY) : undefined;
const AS_OF = '2030-06-01';
const asOf = Date.parse(`${AS_OF}T00:00:00Z`);

const log = (line: string) => process.stdout.write(`${line}\n`);
const rate = (n: number, ms: number) => `${Math.round((n * 1000) / ms).toLocaleString('en')}/s`;

function profile(i: number) {
  const inWindow = i % Math.round(1 / IN_WINDOW) === 0;
  // Outside the window: spread over the rest of the year.
  const days = inWindow ? (i % WINDOW_DAYS) + 0.5 : WINDOW_DAYS + 1 + (i % 330);
  return {
    _id: `bench-${String(i).padStart(7, '0')}`,
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
  let stack: Stack | undefined;
  if (!process.env.MONGODB_URI || !process.env.TEMPORAL_ADDRESS) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'waymark-bench-'));
    log(`starting a private embedded stack in ${dataDir}`);
    stack = await startStack({ dataDir, ports: 'free', ui: false, log: () => undefined });
  }
  const env = { ...process.env, ...stack?.env };
  const dbName = `waymark-bench-${Date.now()}`;
  await mongoose.connect(env.MONGODB_URI!, { dbName });
  const hello = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
  const server = hello.ferretdbVersion !== undefined || /ferret/i.test(JSON.stringify(hello)) ? 'FerretDB' : 'MongoDB';
  log(`store: ${server} (wire version ${hello.version}) at ${env.MONGODB_URI}, database ${dbName}`);
  log(`temporal: ${env.TEMPORAL_ADDRESS}; ${os.cpus().length} cores`);

  try {
    await Profile.syncIndexes();
    const [, seedMs] = await timed(async () => {
      for (let i = 0; i < PROFILES; i += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, PROFILES - i) }, (_, k) => profile(i + k));
        await Profile.collection.insertMany(batch as never[], { ordered: false });
      }
    });
    log(
      `seeded ${PROFILES.toLocaleString('en')} profiles in ${(seedMs / 1000).toFixed(1)} s (${rate(PROFILES, seedMs)})`,
    );
    const window = { start: new Date(asOf), end: new Date(asOf + WINDOW_DAYS * DAY_MS) };
    const filter = renewalWindowAudience.filter(window);

    // The store's ceiling: one cursor over the whole collection, and one over the window with the date index hinted.
    const [all, allMs] = await timed(() => Profile.collection.find({}, { projection: { _id: 1 } }).toArray());
    const [inWindow, windowMs] = await timed(() =>
      Profile.collection.find(filter, { hint: { 'policies.renewalDate': 1 }, projection: { policies: 1 } }).toArray(),
    );
    // Our pages without Temporal: what the scan activity costs on this store.
    const [pages, pagedMs] = await timed(async () => {
      let afterId: string | undefined;
      let n = 0;
      for (;;) {
        const page = await scanAudiencePage({
          audience: 'renewal-window',
          windowStart: window.start.toISOString(),
          windowEnd: window.end.toISOString(),
          pageSize: PAGE_SIZE,
          ...(afterId ? { afterId } : {}),
        });
        n += 1;
        afterId = page.lastId;
        if (page.done) return n;
      }
    });

    // Ours: the audience-scan workflow on the dev server, routing every match (event record + signal-with-start).
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
    const client = new Client({ connection });
    const native = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS! });
    const worker = await Worker.create({
      connection: native,
      taskQueue: 'bench-audience',
      workflowsPath: require.resolve('../workflows/audience-scan'),
      activities: createAudienceActivities({
        routeEvent: createEventRouter({ client, taskQueue: 'bench-journeys' }),
        ...(CONCURRENCY ? { concurrency: CONCURRENCY } : {}),
      }),
    });
    const [result, scanMs] = await worker.runUntil(() =>
      timed(
        () =>
          client.workflow.execute('audienceScan', {
            workflowId: `bench-audience-${Date.now()}`,
            taskQueue: 'bench-audience',
            args: [{ audience: 'renewal-window', windowDays: WINDOW_DAYS, asOf: AS_OF, pageSize: PAGE_SIZE }],
          }) as Promise<AudienceScanResult>,
      ),
    );
    await native.close();
    await connection.close();

    log('');
    log(`store ceiling (${server}):`);
    log(
      `  full collection read, one cursor      ${all.length.toLocaleString('en')} docs in ${(allMs / 1000).toFixed(1)} s = ${rate(all.length, allMs)}`,
    );
    log(
      `  window query, one cursor, index hint  ${inWindow.length.toLocaleString('en')} profiles in ${(windowMs / 1000).toFixed(1)} s = ${rate(inWindow.length, windowMs)}`,
    );
    log(
      `  window by _id pages of ${PAGE_SIZE} (scan activity, no Temporal)  ${pages} pages in ${(pagedMs / 1000).toFixed(1)} s = ${rate(inWindow.length, pagedMs)} profiles`,
    );
    log(
      `waymark audience scan (workflow + activities + router, ${CONCURRENCY ?? 'default'} signal-with-starts in flight):`,
    );
    log(
      `  ${result.profilesScanned.toLocaleString('en')} profiles scanned, ${result.matches} matches, ${result.started} journeys started, ${result.pages} pages, ${result.runs} workflow runs (continue-as-new)`,
    );
    log(
      `  ${(scanMs / 1000).toFixed(1)} s: ${rate(result.profilesScanned, scanMs)} profiles scanned, ${rate(result.started, scanMs)} journeys started`,
    );
    log(
      `  (population ${PROFILES.toLocaleString('en')} profiles: ${rate(PROFILES, scanMs)} of the population covered)`,
    );
  } finally {
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
    await stack?.stop();
  }
}

main().catch((error) => {
  console.error(`bench:audience: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
