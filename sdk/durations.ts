import type { Duration } from './journey-types';

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
/** A day of 24 hours (calendar days across DST changes are luxon's job, in delivery/). */
export const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  s: SECOND_MS,
  sec: SECOND_MS,
  second: SECOND_MS,
  m: MINUTE_MS,
  min: MINUTE_MS,
  minute: MINUTE_MS,
  h: HOUR_MS,
  hr: HOUR_MS,
  hour: HOUR_MS,
  d: DAY_MS,
  day: DAY_MS,
  w: WEEK_MS,
  week: WEEK_MS,
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
  ['day', DAY_MS],
  ['hour', HOUR_MS],
  ['minute', MINUTE_MS],
  ['second', SECOND_MS],
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
