import { localTime, type SimulationResult } from './simulate';

const LABELS = { event: 'event', step: 'step', check: 'check', wait: 'wait', send: 'send', end: 'end' } as const;

/** The simulation as people read it: one line per thing that happened, at the customer's own wall-clock time. */
export function formatTimeline(result: SimulationResult): string {
  const local = localTime(result.zone);
  const lines = [
    `${result.journey} v${result.version} for customer ${result.customerId}, times in ${result.zone} (the customer's zone)`,
    `send rules: quiet hours ${result.quietHours || 'none'} in the customer's zone; frequency caps ${
      result.frequencyCaps || 'none'
    }; templates rendered, no provider called`,
    '',
  ];
  for (const entry of result.entries) {
    lines.push(`${local(entry.at)}  ${LABELS[entry.kind].padEnd(5)}  ${entry.text}`);
    for (const detail of entry.details ?? []) lines.push(`${' '.repeat(local(entry.at).length + 9)}${detail}`);
  }
  lines.push('', ...result.runs.map((r) => `run ${r.workflowId}: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`));
  return `${lines.join('\n')}\n`;
}
