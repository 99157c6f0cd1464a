// `npm run test:faults`: the fault-injection suite (docs/guarantees.md). Prints the table; exits 1 on any duplicate,
// lost run or lost message. Options: npm run test:faults -- --help
import { Command } from 'commander';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runFaultSuite } from './fault-suite';
import { faultSuiteFailures, formatFaultReport } from './report';

async function main() {
  const opts = new Command('test:faults')
    .description('Kill workers and servers while Waymark sends; count what customers got')
    .option('--customers <n>', 'renewal-window customers (3 sends per entry)', '30')
    .option('--reentries <n>', 'of them, entered a second time after renewing', '4')
    .option('--refused <n>', 'dependent-turning-26 customers entered twice (re-entry: never)', '2')
    .option('--kills <n>', 'worker SIGKILLs at random points of the send path', '100')
    .option('--misbehaving <n>', 'customers per sink misbehaviour', '1')
    .option('--in-flight <n>', 'entries worked on at once', '4')
    .option('--no-restarts', 'do not restart the Temporal server and the store mid-run')
    .option('--deadline-minutes <n>', 'give up after this long', '40')
    .parse()
    .opts<{
      customers: string;
      reentries: string;
      refused: string;
      kills: string;
      misbehaving: string;
      inFlight: string;
      restarts: boolean;
      deadlineMinutes: string;
    }>();
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const report = await runFaultSuite({
    customers: Number(opts.customers),
    reentries: Number(opts.reentries),
    refusedReentries: Number(opts.refused),
    kills: Number(opts.kills),
    misbehaving: Number(opts.misbehaving),
    inFlight: Number(opts.inFlight),
    restartServers: opts.restarts,
    deadlineMs: Number(opts.deadlineMinutes) * 60_000,
    log: (line) => console.log(`[faults] ${line}`),
  });
  console.log(`\n${formatFaultReport(report)}\n`);
  const failures = faultSuiteFailures(report);
  if (failures.length) {
    console.error(`test:faults: ${failures.join('; ')}`);
    process.exit(1);
  }
  console.log('test:faults: no duplicate, no lost run');
  process.exit(0);
}

main().catch((error) => {
  console.error(`test:faults: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
