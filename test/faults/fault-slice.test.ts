// The fast slice of `npm run test:faults` (test/faults/main.ts): a few worker kills at random points of the send path,
// each sink misbehaviour once, the Temporal server and the store restarted, a re-entry and a refused re-entry.
import { runFaultSuite } from './fault-suite';
import { faultSuiteFailures, formatFaultReport } from './report';

test(
  'a few worker kills, every sink misbehaviour, both servers restarted: no duplicate, no lost run',
  async () => {
    const report = await runFaultSuite({
      customers: 6,
      reentries: 1,
      refusedReentries: 1,
      kills: 3,
      misbehaving: 1,
      inFlight: 7,
      restartServers: true,
      deadlineMs: 8 * 60_000,
      ...(process.env.WAYMARK_WORKFLOW_BUNDLE ? { workflowBundle: process.env.WAYMARK_WORKFLOW_BUNDLE } : {}),
      log: (line) => process.stdout.write(`[faults] ${line}\n`),
    });
    process.stdout.write(`${formatFaultReport(report)}\n`);
    expect(faultSuiteFailures(report)).toEqual([]);
    expect(report.kills).toBe(3);
    expect(report.restarts).toHaveLength(2);
    expect(report.misbehaviours).toHaveLength(6);
    // Every send accounted for: delivered once, or recorded unknown (never silently missing).
    for (const channel of Object.values(report.byChannel)) expect(channel.notSent).toEqual({});
    expect(report.deliveredOnce + report.recordedUnknown - report.unknownArrived).toBe(report.sendsAttempted);
  },
  10 * 60_000,
);
