// `npm run bench:runtime [-- --runs 1000 --in-flight 64]`: the journey SDK's overhead as a ratio. The same steps
// (eligibility, a quiet-for, three sends through the real deliver activity to the SMTP and Twilio sinks, timers
// between them) run as a journey (bench/runtime/journey-workflows.ts, through the SDK) and as a hand-written
// Temporal workflow (bench/runtime/hand-written-workflows.ts), each bundled on its own, each on a worker of its own
// with the product's activities, one after the other on the same servers. Completed runs/s and the run durations
// come from the runs' own histories; worker CPU per run from this process's CPU time (worker and client live here).
import { Client, Connection } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Command } from 'commander';
import mongoose from 'mongoose';
import { loadConfig } from '../config';
import { createActivities } from '../activities';
import { createMailer } from '../delivery/providers/smtp-transport';
import { createSmsClient } from '../delivery/providers/twilio-client';
import { createEventRouter } from '../routing/event-router';
import { createSegmentRechecker } from '../routing/segment-recheck';
import { createOutboxSweeper } from '../routing/outbox-sweep';
import { Profile } from '../models/profile';
import { workflowBundlerOptions } from '../worker/workflow-bundle';
import { openLoop } from './support/open-loop';
import { benchLog, loadLine, num, percentile, perSecond, sortedNumbers, table, verdict } from './support/report';
import { benchServers } from './support/servers';
import { waitForCount } from './support/histories';
import { BENCH_TIMER_MS } from './runtime/timers';

const TIMERS_PER_RUN = 4;

interface Side {
  label: string;
  workflowType: string;
  workflowsPath: string;
}

const SIDES: Side[] = [
  {
    label: 'journey SDK',
    workflowType: 'abandonedCartV90',
    workflowsPath: require.resolve('./runtime/journey-workflows'),
  },
  {
    label: 'hand-written',
    workflowType: 'handWrittenCart',
    workflowsPath: require.resolve('./runtime/hand-written-workflows'),
  },
];

interface SideResult {
  label: string;
  runs: number;
  completed: number;
  perSecond: number;
  durationP50: number;
  durationP99: number;
  cpuMsPerRun: number;
}

async function main() {
  const opts = new Command()
    .option('--runs <n>', 'runs per side', (v) => parseInt(v, 10), 1000)
    .option('--in-flight <n>', 'signal-with-starts awaiting an answer at most', (v) => parseInt(v, 10), 64)
    .option('--rounds <n>', 'rounds (each side once per round, alternating who goes first)', (v) => parseInt(v, 10), 1)
    .parse()
    .opts<{ runs: number; inFlight: number; rounds: number }>();
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const servers = await benchServers(benchLog);
  const config = loadConfig({ ...servers.env, QUIET_HOURS: '', FREQUENCY_CAPS: '', LOG_LEVEL: 'warn' });
  await mongoose.connect(config.MONGODB_URI);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const mailer = createMailer(config);
  const twilio = createSmsClient(config);
  const results: SideResult[] = [];
  try {
    const order = Array.from({ length: opts.rounds }, (_, r) => (r % 2 === 0 ? SIDES : [...SIDES].reverse())).flat();
    const customers = opts.runs * order.length;
    benchLog(`seeding ${customers} profiles…`);
    await Profile.init(); // mongoose's own collection and index creation, finished before anything else writes
    for (let i = 0; i < customers; i += 10_000) {
      const docs = Array.from({ length: Math.min(10_000, customers - i) }, (_, k) => {
        const id = `rt-${servers.tag}-${i + k}`;
        const granted = { status: 'granted' };
        return {
          _id: id,
          email: `${id}@example.com`,
          phone: `+1555${String(i + k).padStart(7, '0')}`,
          consent: { email: granted, sms: granted, web: granted },
        };
      });
      await Profile.collection.insertMany(docs as never[], { ordered: false });
    }

    for (const [round, side] of order.entries()) {
      const taskQueue = `bench-runtime-${servers.tag}-${round}`;
      const routeEvent = createEventRouter({ client, taskQueue });
      const recheckCustomer = createSegmentRechecker({ client, taskQueue });
      const worker = await Worker.create({
        connection: native,
        taskQueue,
        workflowsPath: side.workflowsPath,
        // The product worker's bundling (signals preloaded, shared by every run), for both sides alike.
        bundlerOptions: workflowBundlerOptions,
        maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
        activities: createActivities({
          config,
          mailer,
          twilio,
          routeEvent,
          recheckCustomer,
          sweepOutbox: createOutboxSweeper({ client, taskQueue }),
        }),
      });
      const customer = (i: number) => `rt-${servers.tag}-${round * opts.runs + i}`;
      const workflowIds = Array.from({ length: opts.runs }, (_, i) => `bench-runtime/${customer(i)}`);
      benchLog(`${side.label}: ${opts.runs} runs…`);
      const cpuBefore = process.cpuUsage();
      const running = worker.run();
      const loop = await openLoop({ sends: opts.runs, rate: 0, inFlight: opts.inFlight }, async (i) => {
        await client.workflow.signalWithStart(side.workflowType, {
          workflowId: workflowIds[i],
          taskQueue,
          args: [{ customerId: customer(i), key: 'c' }],
          signal: 'cart.updated',
          signalArgs: [
            {
              id: `rt-${customer(i)}`,
              signal: 'cart.updated',
              version: 1,
              customerId: customer(i),
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
        });
      });
      if (loop.errors.length) throw new Error(`${loop.errors.length} starts failed, first: ${loop.errors[0]}`);
      const completed = await waitForCount(
        client,
        `TaskQueue="${taskQueue}" AND ExecutionStatus="Completed"`,
        opts.runs,
        600_000,
      );
      const cpu = process.cpuUsage(cpuBefore);
      worker.shutdown();
      await running;

      const spans = await runSpans(client, workflowIds);
      const firstStart = Math.min(...spans.map((s) => s.start));
      const lastClose = Math.max(...spans.map((s) => s.close));
      const durations = sortedNumbers(spans.map((s) => s.close - s.start));
      results.push({
        label: side.label,
        runs: opts.runs,
        completed,
        perSecond: perSecond(spans.length, lastClose - firstStart),
        durationP50: percentile(durations, 50),
        durationP99: percentile(durations, 99),
        cpuMsPerRun: (cpu.user + cpu.system) / 1000 / opts.runs,
      });
    }
  } finally {
    mailer.close();
    await native.close();
    await connection.close();
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
    await servers.stop();
  }

  console.log(
    `\nruntime bench: the same steps through the journey SDK and hand-written (${opts.runs} runs each, ` +
      `${TIMERS_PER_RUN} timers of ${BENCH_TIMER_MS} ms, 3 sends + eligibility per run)`,
  );
  console.log(loadLine());
  console.log(
    table(
      ['workflow', 'runs', 'completed', 'completed runs/s', 'run p50/p99 ms', 'worker+client CPU ms/run'],
      results.map((r) => [
        r.label,
        num(r.runs),
        num(r.completed),
        num(r.perSecond, 1),
        `${num(r.durationP50)} / ${num(r.durationP99)}`,
        num(r.cpuMsPerRun, 1),
      ]),
    ),
  );
  const best = (label: string) => Math.max(...results.filter((r) => r.label === label).map((r) => r.perSecond));
  console.log(
    verdict('journey runtime vs hand-written, completed runs/s', best('journey SDK') / best('hand-written'), {
      atLeast: 0.9,
    }),
  );
}

/** Each run's start and close, from its history. */
async function runSpans(client: Client, workflowIds: string[]) {
  const spans: { start: number; close: number }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < workflowIds.length) {
        const history = await client.workflow.getHandle(workflowIds[next++]).fetchHistory();
        const events = history.events ?? [];
        const start = optionalTsToDate(events[0]?.eventTime);
        const close = optionalTsToDate(events.at(-1)?.eventTime);
        if (start && close && events.at(-1)?.workflowExecutionCompletedEventAttributes) {
          spans.push({ start: start.getTime(), close: close.getTime() });
        }
      }
    }),
  );
  return spans;
}

main().catch((error) => {
  console.error(`bench:runtime: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
