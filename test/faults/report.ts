import type { FaultReport } from './fault-suite';

/** The suite's table (markdown, so it pastes into a closing note as it is), and the lines that explain it. */
export function formatFaultReport(report: FaultReport): string {
  const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  const lines = [
    row(['sends attempted', 'delivered once', 'duplicates', 'recorded unknown', 'runs lost']),
    row(['---:', '---:', '---:', '---:', '---:']),
    row([
      report.sendsAttempted,
      report.deliveredOnce,
      report.duplicates,
      `${report.recordedUnknown} (${report.unknownArrived} of them arrived)`,
      `${report.runsLost} of ${report.runs}`,
    ]),
    '',
    row(['channel', 'attempted', 'delivered once', 'duplicates', 'recorded unknown', 'sent but missing', 'not sent']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---']),
    ...Object.entries(report.byChannel).map(([channel, t]) =>
      row([
        channel,
        t.attempted,
        t.deliveredOnce,
        t.duplicates,
        `${t.recordedUnknown} (${t.unknownArrived} arrived)`,
        t.sentButMissing,
        Object.entries(t.notSent)
          .map(([state, n]) => `${n} ${state}`)
          .join(', ') || '0',
      ]),
    ),
    '',
    `faults: ${report.kills} worker SIGKILLs (${report.workerStarts} worker starts through worker/main.ts); ` +
      `${report.restarts.length ? report.restarts.join('; ') : 'no server restarts'}`,
    `sink misbehaviours: ${report.misbehaviours.length ? report.misbehaviours.join('; ') : 'none'}`,
    `re-entry: ${report.reentries.entered} of ${report.reentries.planned} renewal-window customers entered again; ` +
      `${report.reentries.refused} of ${report.reentries.refusalsPlanned} dependent-turning-26 re-entries refused`,
    ...report.lostRuns.map((r) => `lost run: ${r}`),
    `took ${report.seconds} s`,
  ];
  return lines.join('\n');
}

/** What fails the suite: a message sent twice, a run lost, or a message the ledger says went out that never did. */
export function faultSuiteFailures(report: FaultReport): string[] {
  const failures: string[] = [];
  if (report.duplicates > 0) failures.push(`${report.duplicates} duplicate message(s)`);
  if (report.runsLost > 0) failures.push(`${report.runsLost} lost run(s)`);
  if (report.sentButMissing > 0) failures.push(`${report.sentButMissing} message(s) recorded sent but not received`);
  if (report.reentries.entered < report.reentries.planned) failures.push('a re-entry did not start a new run');
  if (report.reentries.refused < report.reentries.refusalsPlanned) failures.push('a re-entry: never was not refused');
  return failures;
}
