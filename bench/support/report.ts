import os from 'node:os';

/** The p-th percentile (0–100) of already sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function sortedNumbers(values: Iterable<number>): number[] {
  return [...values].sort((a, b) => a - b);
}

export const perSecond = (n: number, ms: number) => (ms > 0 ? (n * 1000) / ms : NaN);

/** A number for a table cell: thousands separated, `digits` decimals. */
export function num(value: number, digits = 0): string {
  return Number.isFinite(value)
    ? value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '—';
}

/** A Markdown table (pastes into the README and docs/scaling.md as it is). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The machine's load when the figures were taken: a figure means little without it on a shared box. */
export function loadLine(): string {
  const [one, five, fifteen] = os.loadavg().map((l) => l.toFixed(2));
  return `load average ${one} ${five} ${fifteen} (${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB)`;
}

/** The one-line verdict against an issue goal: `ratio` compared to `goal` (at least, or at most). */
export function verdict(what: string, value: number, goal: { atLeast?: number; atMost?: number }, unit = '×'): string {
  const met =
    (goal.atLeast === undefined || value >= goal.atLeast) && (goal.atMost === undefined || value <= goal.atMost);
  const target = goal.atLeast !== undefined ? `≥ ${goal.atLeast}${unit}` : `≤ ${goal.atMost}${unit}`;
  return `verdict: ${what} ${num(value, 2)}${unit} (goal ${target}): ${met ? 'MET' : 'MISSED'}`;
}

export const benchLog = (line: string) => process.stderr.write(`[bench] ${line}\n`);
