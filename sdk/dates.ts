// Calendar dates as journeys and audiences use them: instants in UTC, days as `YYYY-MM-DD`.
import { DAY_MS } from './durations';

/** A `Date`, ISO string or date-only string → Date; throws on an unparseable value. */
export function toDate(value: Date | string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`invalid date: ${String(value)}`);
  return date;
}

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Midnight UTC at the start of a `YYYY-MM-DD` day. */
export function startOfIsoDate(day: string): Date {
  return toDate(`${day}T00:00:00Z`);
}

/** `date` moved by whole days (24 hours each: UTC has no DST). */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** `date` moved by whole years in UTC (29 February lands on 1 March in other years). */
export function addYears(date: Date, years: number): Date {
  const moved = new Date(date.getTime());
  moved.setUTCFullYear(moved.getUTCFullYear() + years);
  return moved;
}
