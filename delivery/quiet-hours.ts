import { DateTime } from 'luxon';

/** Quiet hours as minutes after local midnight; `start` may be later than `end` (a window across midnight). */
export interface QuietHours {
  start: number;
  end: number;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parses QUIET_HOURS (`HH:mm-HH:mm`, e.g. `21:00-08:00`); empty or a zero-length window means none. */
export function parseQuietHours(spec: string): QuietHours | undefined {
  const trimmed = spec.trim();
  if (trimmed === '') return undefined;
  const [from, to, ...rest] = trimmed.split('-').map((s) => s.trim());
  const start = from === undefined ? undefined : minutesOf(from);
  const end = to === undefined ? undefined : minutesOf(to);
  if (start === undefined || end === undefined || rest.length > 0) {
    throw new Error(`QUIET_HOURS must look like 21:00-08:00, got '${spec}'`);
  }
  return start === end ? undefined : { start, end };
}

function minutesOf(hhmm: string): number | undefined {
  const match = HH_MM.exec(hhmm);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** The customer's zone if luxon knows it, else the default (a typo in a profile must not stop sends). */
export function effectiveZone(timeZone: string | undefined | null, defaultZone: string): string {
  if (timeZone && DateTime.now().setZone(timeZone).isValid) return timeZone;
  return defaultZone;
}

/**
 * When `at` (an instant) falls inside the quiet hours of `zone`, the instant they end (the window's opening);
 * otherwise undefined. Judged in local wall-clock time, so DST changes move the window with the customer's day.
 */
export function quietHoursEnd(at: Date, zone: string, quiet: QuietHours | undefined): Date | undefined {
  if (!quiet) return undefined;
  const local = DateTime.fromJSDate(at, { zone });
  if (!local.isValid) throw new Error(`unknown time zone '${zone}'`);
  const minute = local.hour * 60 + local.minute;
  const wraps = quiet.start > quiet.end;
  const inside = wraps ? minute >= quiet.start || minute < quiet.end : minute >= quiet.start && minute < quiet.end;
  if (!inside) return undefined;
  // Across midnight and already past the start: the window opens tomorrow morning.
  const day = wraps && minute >= quiet.start ? local.plus({ days: 1 }) : local;
  const opening = day.set({ hour: Math.floor(quiet.end / 60), minute: quiet.end % 60, second: 0, millisecond: 0 });
  return opening.toJSDate();
}
