import type { Duration } from './journey-types';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
};

/** `'1 hour'`, `'30 days'`, `'90s'`, `1500` → milliseconds. Throws on anything else, naming the input. */
export function durationToMs(duration: Duration): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) throw new TypeError(`invalid duration: ${duration}`);
    return duration;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(duration);
  const unit = match?.[2].toLowerCase() ?? '';
  // The unit as written first: singularising `ms` would make it `m` (minutes).
  const factor = UNIT_MS[unit] ?? UNIT_MS[unit.replace(/s$/, '')];
  if (!match || factor === undefined) {
    throw new TypeError(`invalid duration: '${duration}' (use e.g. '90 seconds', '1 hour', '30 days')`);
  }
  return Math.round(Number(match[1]) * factor);
}

const FORMAT_UNITS: Array<[string, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** Milliseconds in words for summaries: `90_000_000` → `1 day 1 hour`; at most two units. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [name, size] of FORMAT_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0 && parts.length < 2) {
      parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
      rest -= n * size;
    }
  }
  return parts.join(' ');
}

/** A `Date`, ISO string or date-only string → Date; throws on an unparseable value. */
export function toDate(value: Date | string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`invalid date: ${String(value)}`);
  return date;
}
