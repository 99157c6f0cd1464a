// `npm run bench:ingest [-- --events 1000 --rate 0 --in-flight 64 --batch 25]`: capacity of event ingestion, open
// loop. Events are sent on a schedule (--rate per second, or each as soon as one of --in-flight slots frees) that
// never waits for a run; afterwards each run's own history says when it handled its event (the quiet-for timer it
// starts once the trigger is in and eligibility checked). Same servers, same worker process, one run:
//   direct   the bench's client.workflow.signalWithStart, as the router would call it
//   API      POST /v1/events, one event per request, to `npm run api` (buildServer) in its own process
//   API xN   the same with N events per request (--batch; 1 skips it)
// The worker is `npm run worker` in its own process. Starts a private embedded stack unless TEMPORAL_ADDRESS and
// MONGODB_URI are set (then a database and task queue of the run's own). Loopback only, bounded by --events.
import { Client, Connection } from '@temporalio/client';
import { Command } from 'commander';
import mongoose from 'mongoose';
import { startWaymarkProcess, type WaymarkProcess } from '../dev/waymark-process';
import { Profile } from '../models/profile';
import { journeysStartedBy } from '../routing/journey-routes';
import { WaymarkCustomerId, WaymarkJourney, WaymarkJourneyVersion } from '../sdk/search-attributes';
import { journeyWorkflowId } from '../sdk/workflow-id';
import { firstEventTimes, isTimerStarted, waitForCount } from './support/histories';
import { openLoop } from './support/open-loop';
import { processTreeCpuMs } from './support/proc';
import { benchLog, loadLine, num, percentile, perSecond, sortedNumbers, table, verdict } from './support/report';
import { benchServers } from './support/servers';

const [abandonedCart] = journeysStartedBy('cart.updated');
const API_KEY = 'bench';

interface PhaseResult {
  label: string;
  events: number;
  handled: number;
  errors: string[];
  acceptedPerSecond: number;
  handledPerSecond: number;
  acceptP50: number;
  acceptP99: number;
  handleP50: number;
  handleP99: number;
  behindScheduleMs: number;
  /** CPU ms per event of each process during the phase (sending until every run handled its event). */
  cpuPerEvent: Record<string, number>;
}

const cart = (cartId: string) => ({
  cartId,
  items: [{ sku: 'A1', name: 'Boots', qty: 1, price: 80 }],
  total: 80,
  currency: 'EUR',
  url: `https://shop.example/${cartId}`,
});

async function main() {
  const opts = new Command()
    .option('--events <n>', 'events per phase', (v) => parseInt(v, 10), 1000)
    .option('--rate <n>', 'events sent per second; 0: as fast as accepted', (v) => parseInt(v, 10), 0)
    .option('--in-flight <n>', 'requests awaiting an answer at most', (v) => parseInt(v, 10), 64)
    .option('--batch <n>', 'events per request in the batched API phase (1: no such phase)', (v) => parseInt(v, 10), 25)
    .parse()
    .opts<{ events: number; rate: number; inFlight: number; batch: number }>();

  const servers = await benchServers(benchLog);
  const taskQueue = `bench-ingest-${servers.tag}`;
  const env = { ...servers.env, TEMPORAL_TASK_QUEUE: taskQueue, API_KEYS: API_KEY, QUIET_HOURS: '' };
  const processes: WaymarkProcess[] = [];
  const connection = await Connection.connect({ address: servers.env.TEMPORAL_ADDRESS });
  const client = new Client({ connection });
  try {
    await mongoose.connect(servers.env.MONGODB_URI);
    processes.push(await startWaymarkProcess('worker', env), await startWaymarkProcess('api', env));
    const apiUrl = processes[1].url!;
    const cpuNow = (): Record<string, number> => {
      const self = process.cpuUsage();
      return {
        'worker (npm run worker)': processTreeCpuMs(processes[0].pid),
        'API (npm run api)': processTreeCpuMs(processes[1].pid),
        'bench (sender)': (self.user + self.system) / 1000,
        ...(servers.pids.temporal ? { 'Temporal dev server': processTreeCpuMs(servers.pids.temporal) } : {}),
        ...(servers.pids.store ? { 'MongoDB-wire store': processTreeCpuMs(servers.pids.store) } : {}),
      };
    };
    benchLog(`worker pid ${processes[0].pid}, API pid ${processes[1].pid} at ${apiUrl}, task queue ${taskQueue}`);

    const phases = [
      { label: 'direct signalWithStart', kind: 'direct', batch: 1 },
      { label: 'API, 1 event/request', kind: 'api', batch: 1 },
      ...(opts.batch > 1 ? [{ label: `API, ${opts.batch} events/request`, kind: 'api', batch: opts.batch }] : []),
    ] as const;
    const customer = (phase: number, i: number) => `bench-${servers.tag}-${phase}-${i}`;
    await Profile.init(); // mongoose's own collection and index creation, finished before anything else writes
    for (let phase = 0; phase < phases.length; phase++) {
      for (let i = 0; i < opts.events; i += 10_000) {
        const ids = Array.from({ length: Math.min(10_000, opts.events - i) }, (_, k) => customer(phase, i + k));
        await Profile.collection.insertMany(
          ids.map((id) => ({
            _id: id,
            email: `${id}@example.com`,
            consent: { email: { status: 'granted' } },
          })) as never[],
          { ordered: false },
        );
      }
    }

    const results: PhaseResult[] = [];
    for (const [p, phase] of phases.entries()) {
      const workflowIds = Array.from({ length: opts.events }, (_, i) =>
        journeyWorkflowId('abandoned-cart', customer(p, i), 'c'),
      );
      const event = (i: number) => ({
        id: `evt-${customer(p, i)}`,
        signal: 'cart.updated',
        customerId: customer(p, i),
      });
      const sends = Math.ceil(opts.events / phase.batch);
      const rate = opts.rate > 0 ? opts.rate / phase.batch : 0;
      benchLog(`${phase.label}: ${opts.events} events in ${sends} sends…`);
      const cpuBefore = cpuNow();
      const loop = await openLoop({ sends, rate, inFlight: opts.inFlight }, async (s) => {
        const first = s * phase.batch;
        const indexes = Array.from({ length: Math.min(phase.batch, opts.events - first) }, (_, k) => first + k);
        if (phase.kind === 'direct') {
          const i = first;
          const customerId = customer(p, i);
          await client.workflow.signalWithStart(abandonedCart.workflowType, {
            workflowId: workflowIds[i],
            taskQueue,
            args: [{ customerId, key: 'c' }],
            signal: 'cart.updated',
            signalArgs: [{ ...event(i), version: 1, occurredAt: new Date().toISOString(), data: cart('c') }],
            typedSearchAttributes: [
              { key: WaymarkCustomerId, value: customerId },
              { key: WaymarkJourney, value: 'abandoned-cart' },
              { key: WaymarkJourneyVersion, value: abandonedCart.journey.version },
            ],
            staticSummary: `abandoned-cart v${abandonedCart.journey.version} for ${customerId}`,
          });
          return;
        }
        const events = indexes.map((i) => ({ ...event(i), data: cart('c') }));
        const res = await fetch(`${apiUrl}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
          body: JSON.stringify(phase.batch === 1 ? events[0] : { events }),
        });
        if (res.status !== 202) throw new Error(`POST /v1/events answered ${res.status}: ${await res.text()}`);
      });
      // Every event of a request shares the request's send and answer times.
      const sentAt = (i: number) => loop.sentAt[Math.floor(i / phase.batch)];
      const acceptedAt = (i: number) => loop.acceptedAt[Math.floor(i / phase.batch)];

      const expected = (p + 1) * opts.events - loop.errors.length * phase.batch;
      await waitForCount(client, `TaskQueue="${taskQueue}" AND WaymarkStep="cart-idle"`, expected, 600_000);
      const cpuAfter = cpuNow();
      const handledAt = await firstEventTimes(client, workflowIds, isTimerStarted);
      const indexes = workflowIds.map((_, i) => i);
      const firstSend = Math.min(...loop.sentAt);
      const lastAccepted = Math.max(...loop.acceptedAt.filter(Number.isFinite));
      const handledTimes = [...handledAt.values()];
      const lastHandled = Math.max(...handledTimes);
      const accept = sortedNumbers(indexes.filter((i) => acceptedAt(i) >= 0).map((i) => acceptedAt(i) - sentAt(i)));
      const handle = sortedNumbers(
        indexes.filter((i) => handledAt.has(workflowIds[i])).map((i) => handledAt.get(workflowIds[i])! - sentAt(i)),
      );
      results.push({
        label: phase.label,
        events: opts.events,
        handled: handledAt.size,
        errors: loop.errors,
        acceptedPerSecond: perSecond(accept.length, lastAccepted - firstSend),
        handledPerSecond: perSecond(handledAt.size, lastHandled - firstSend),
        acceptP50: percentile(accept, 50),
        acceptP99: percentile(accept, 99),
        handleP50: percentile(handle, 50),
        handleP99: percentile(handle, 99),
        behindScheduleMs: loop.behindScheduleMs,
        cpuPerEvent: Object.fromEntries(
          Object.keys(cpuAfter).map((name) => [name, (cpuAfter[name] - cpuBefore[name]) / opts.events]),
        ),
      });
    }

    const rateText = opts.rate > 0 ? `${opts.rate} events/s offered` : `as fast as accepted`;
    console.log(`\ningest bench, open loop (${rateText}, ${opts.inFlight} requests in flight at most)`);
    console.log(`Temporal ${servers.env.TEMPORAL_ADDRESS}, store ${servers.env.MONGODB_URI}`);
    console.log(loadLine());
    console.log(
      table(
        ['path', 'events', 'handled', 'errors', 'accepted/s', 'handled/s', 'accept p50/p99 ms', 'handled p50/p99 ms'],
        results.map((r) => [
          r.label,
          num(r.events),
          num(r.handled),
          num(r.errors.length),
          num(r.acceptedPerSecond, 1),
          num(r.handledPerSecond, 1),
          `${num(r.acceptP50)} / ${num(r.acceptP99)}`,
          `${num(r.handleP50)} / ${num(r.handleP99)}`,
        ]),
      ),
    );
    const cpuNames = Object.keys(results[0].cpuPerEvent);
    console.log('\nCPU ms per event, by process (from sending until every run had handled its event)');
    console.log(
      table(
        ['path', ...cpuNames],
        results.map((r) => [r.label, ...cpuNames.map((name) => num(r.cpuPerEvent[name], 1))]),
      ),
    );
    for (const r of results.filter((x) => x.errors.length)) console.log(`${r.label}: first error: ${r.errors[0]}`);
    if (opts.rate > 0) {
      const behind = Math.max(...results.map((r) => r.behindScheduleMs));
      if (behind > 100) console.log(`the sender fell ${num(behind)} ms behind the offered rate (in-flight bound)`);
    }
    const [direct, ...api] = results;
    for (const r of api) {
      console.log(
        verdict(`${r.label} handled/s vs direct`, r.handledPerSecond / direct.handledPerSecond, { atLeast: 0.9 }),
      );
    }
  } finally {
    for (const p of processes.reverse()) await p.stop();
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
    await connection.close();
    await servers.stop();
  }
}

main().catch((error) => {
  console.error(`bench:ingest: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
