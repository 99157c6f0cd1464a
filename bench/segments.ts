// `npm run bench:segments [-- --profiles 100000 --events 2000 --in-flight 32]`: what segment upkeep costs the API.
// The same events (product.viewed, one per customer, spread over the profiles; they start no journey, so Temporal is
// not in the measurement) go through POST /v1/events to `npm run api` in its own process, twice, in one run:
//   none     SEGMENT_UPKEEP=off: no segments, no score model (the router still reads the customer's merge ids)
//   active   SEGMENT_UPKEEP=on: the catalog's 5 segments and the engagement score model kept on every profile
// and the ratio active/none. Beside them, the store's own ceiling for what upkeep asks of it: a findById and an
// updateOne by _id per event, from this process, at the same concurrency. Starts a private embedded stack unless
// TEMPORAL_ADDRESS and MONGODB_URI are set (then a database of the run's own). Loopback only, bounded by --events.
import { Command } from 'commander';
import mongoose from 'mongoose';
import { startWaymarkProcess, type WaymarkProcess } from '../dev/waymark-process';
import { Profile } from '../models/profile';
import { newestSegments, segmentCatalog } from '../segments';
import { openLoop } from './support/open-loop';
import { processTreeCpuMs } from './support/proc';
import { benchLog, loadLine, num, percentile, perSecond, sortedNumbers, table } from './support/report';
import { benchServers } from './support/servers';

const API_KEY = 'bench';

interface Phase {
  label: string;
  events: number;
  errors: string[];
  perSecond: number;
  p50: number;
  p99: number;
  apiCpuPerEvent?: number;
  storeCpuPerEvent?: number;
}

function summarize(label: string, loop: Awaited<ReturnType<typeof openLoop>>, cpu: Partial<Phase> = {}): Phase {
  const latencies = sortedNumbers(
    loop.sentAt.map((sent, i) => loop.acceptedAt[i] - sent).filter((ms) => Number.isFinite(ms)),
  );
  const first = Math.min(...loop.sentAt);
  const last = Math.max(...loop.acceptedAt.filter(Number.isFinite));
  return {
    label,
    events: loop.sentAt.length,
    errors: loop.errors,
    perSecond: perSecond(latencies.length, last - first),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ...cpu,
  };
}

async function main() {
  const opts = new Command()
    .option('--profiles <n>', 'profiles in the store', (v) => parseInt(v, 10), 100_000)
    .option('--events <n>', 'events per phase', (v) => parseInt(v, 10), 2000)
    .option('--in-flight <n>', 'requests awaiting an answer at most', (v) => parseInt(v, 10), 32)
    .parse()
    .opts<{ profiles: number; events: number; inFlight: number }>();
  if (opts.events * 3 > opts.profiles) throw new Error('--profiles must be at least 3 × --events (fresh customers)');

  const servers = await benchServers(benchLog);
  const processes: WaymarkProcess[] = [];
  try {
    await mongoose.connect(servers.env.MONGODB_URI);
    await Profile.syncIndexes();
    const customer = (i: number) => `seg-${servers.tag}-${String(i).padStart(7, '0')}`;
    benchLog(`seeding ${opts.profiles} profiles…`);
    for (let i = 0; i < opts.profiles; i += 10_000) {
      const docs = Array.from({ length: Math.min(10_000, opts.profiles - i) }, (_, k) => {
        const n = i + k;
        return {
          _id: customer(n),
          email: `${customer(n)}@example.com`,
          consent: { email: { status: n % 2 ? 'granted' : 'unknown' }, sms: { status: 'unknown' }, web: {} },
          attributes: { plan: n % 5 === 0 ? 'premium' : 'basic' },
          policies: [],
          dependents: [],
        };
      });
      await Profile.collection.insertMany(docs as never[], { ordered: false });
    }

    // Each phase gets customers of its own (every third profile), so no phase finds another's work done.
    const phaseCustomer = (phase: number, i: number) =>
      customer(Math.floor((i * opts.profiles) / opts.events / 3) * 3 + phase);
    const view = (phase: number, i: number) => ({
      id: `view-${servers.tag}-${phase}-${i}`,
      signal: 'product.viewed',
      customerId: phaseCustomer(phase, i),
      data: { productId: `p-${i % 50}`, name: 'Boots', url: `https://shop.example/p/${i % 50}` },
    });

    const results: Phase[] = [];
    const modes = [
      { label: 'none (SEGMENT_UPKEEP=off)', upkeep: 'off' },
      { label: `active (${newestSegments(segmentCatalog).length} segments + score)`, upkeep: 'on' },
    ] as const;
    for (const [phase, mode] of modes.entries()) {
      const api = await startWaymarkProcess('api', {
        ...servers.env,
        TEMPORAL_TASK_QUEUE: `bench-segments-${servers.tag}`,
        API_KEYS: API_KEY,
        SEGMENT_UPKEEP: mode.upkeep,
        LOG_LEVEL: 'warn',
      });
      processes.push(api);
      benchLog(`${mode.label}: ${opts.events} events through ${api.url}…`);
      const cpuBefore = [processTreeCpuMs(api.pid), servers.pids.store ? processTreeCpuMs(servers.pids.store) : NaN];
      const loop = await openLoop({ sends: opts.events, rate: 0, inFlight: opts.inFlight }, async (i) => {
        const res = await fetch(`${api.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
          body: JSON.stringify(view(phase, i)),
        });
        if (res.status !== 202) throw new Error(`POST /v1/events answered ${res.status}: ${await res.text()}`);
      });
      const cpuAfter = [processTreeCpuMs(api.pid), servers.pids.store ? processTreeCpuMs(servers.pids.store) : NaN];
      results.push(
        summarize(mode.label, loop, {
          apiCpuPerEvent: (cpuAfter[0] - cpuBefore[0]) / opts.events,
          storeCpuPerEvent: (cpuAfter[1] - cpuBefore[1]) / opts.events,
        }),
      );
      await api.stop();
      processes.pop();
    }

    // The store's own ceiling for upkeep's share: a read and a write by _id per event, at the same concurrency.
    benchLog('store ceiling: findById + updateOne by _id…');
    const store = await openLoop({ sends: opts.events, rate: 0, inFlight: opts.inFlight }, async (i) => {
      const id = phaseCustomer(2, i);
      await Profile.findById(id).lean();
      await Profile.updateOne({ _id: id }, { $set: { 'attributes.benchTouched': i } });
    });
    results.push(summarize('store alone: findById + updateOne', store));

    const upkept = await Profile.countDocuments({ 'score.value': { $gt: 0 } });
    const [none, active] = results;
    console.log(
      `\nsegment upkeep bench: ${num(opts.profiles)} profiles, ${num(opts.events)} events per phase, ` +
        `${opts.inFlight} requests in flight at most`,
    );
    console.log(`store ${servers.env.MONGODB_URI}`);
    console.log(loadLine());
    console.log(
      table(
        ['path', 'events', 'errors', 'events/s', 'p50 / p99 ms', 'API CPU ms/event', 'store CPU ms/event'],
        results.map((r) => [
          r.label,
          num(r.events),
          num(r.errors.length),
          num(r.perSecond, 1),
          `${num(r.p50)} / ${num(r.p99)}`,
          r.apiCpuPerEvent === undefined ? '' : num(r.apiCpuPerEvent, 2),
          r.storeCpuPerEvent === undefined || Number.isNaN(r.storeCpuPerEvent) ? '' : num(r.storeCpuPerEvent, 2),
        ]),
      ),
    );
    console.log(`\nratio active / none: ${num(active.perSecond / none.perSecond, 2)} (events/s through the API)`);
    console.log(`profiles with a score after the run: ${num(upkept)} (expected ${num(opts.events)})`);
    for (const r of results) if (r.errors.length) console.log(`${r.label}: first error: ${r.errors[0]}`);
  } finally {
    for (const p of processes) await p.stop();
    await mongoose.disconnect();
    await servers.stop();
  }
}

main().catch((error) => {
  console.error(`bench:segments: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
