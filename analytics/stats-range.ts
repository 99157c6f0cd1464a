import { DAY_MS } from '../sdk/durations';

/** The default range: the 30 days up to now. */
export const DEFAULT_RANGE_DAYS = 30;

export class StatsRangeError extends Error {
  constructor(
    readonly field: 'from' | 'to',
    message: string,
  ) {
    super(message);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseInstant(field: 'from' | 'to', value: string): Date {
  const date = new Date(DATE.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new StatsRangeError(field, `${field}: '${value}' is not an ISO date (2026-11-01) or date-time`);
  }
  return date;
}

/** A range with its missing ends filled in: `to` defaults to now, `from` to DEFAULT_RANGE_DAYS before `to`. */
export function statsRangeOrDefault(from: Date | undefined, to: Date | undefined, now: Date) {
  const end = to ?? now;
  return { from: from ?? new Date(end.getTime() - DEFAULT_RANGE_DAYS * DAY_MS), to: end };
}

/** `from` / `to` as the API and the CLI take them (ISO dates are midnight UTC); `to` must come after `from`. */
export function parseStatsRange(from: string | undefined, to: string | undefined, now: Date) {
  const { from: start, to: end } = statsRangeOrDefault(
    from === undefined ? undefined : parseInstant('from', from),
    to === undefined ? undefined : parseInstant('to', to),
    now,
  );
  if (start.getTime() >= end.getTime()) {
    throw new StatsRangeError('to', `to (${end.toISOString()}) must come after from (${start.toISOString()})`);
  }
  return { from: start, to: end };
}
