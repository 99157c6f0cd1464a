// The audience contract: how a journey's date-based audience is defined (journeys/<name>/audience.ts), and the types
// the audience-scan workflow and the audience activities share. Workflow code may import this file.
import type { JourneyEvent } from '../../signals/define-signal';

/**
 * A profile as an audience's scan reads it: `_id` and the fields of the audience's `projection`. Each audience
 * declares its own shape (e.g. `AudienceProfile & { policies?: ... }`), so adding one changes no shared type.
 */
export interface AudienceProfile {
  _id: string;
}

/** A date window: `start` inclusive, `end` exclusive. */
export interface AudienceWindow {
  start: Date;
  end: Date;
}

/** One journey entry found by a scan: the event the journey's router receives. */
export interface AudienceMatch {
  customerId: string;
  /** The run key (policy id, dependent id). */
  key: string;
  event: JourneyEvent;
}

export interface AudienceDefinition<P extends AudienceProfile = AudienceProfile> {
  /** kebab-case; also names its schedule and its scan's workflow id. */
  readonly name: string;
  readonly description: string;
  /** The trigger signal each match emits. */
  readonly signal: string;
  /**
   * The profile date field the query ranges over, as a path (`policies.renewalDate`, `attributes.trialEndsAt`).
   * The worker creates its ascending index at start (worker/audience-indexes.ts) and the scan hints it.
   */
  readonly dateField: string;
  /** The profile fields `matchesOf` reads, as paths: the scan projects only these (and `_id`). */
  readonly projection: readonly string[];
  /** How far ahead the daily scan's window reaches, in days. */
  readonly windowDays: number;
  /** The hour of the day (UTC) the daily scan runs at. */
  readonly hourUtc: number;
  /** MongoDB filter for profiles that may match (array-any semantics); `matchesOf` picks the exact entries. */
  filter(window: AudienceWindow): Record<string, unknown>;
  matchesOf(profile: P, window: AudienceWindow): AudienceMatch[];
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Checks an audience's settings once, where it is defined. */
export function defineAudience<P extends AudienceProfile>(definition: AudienceDefinition<P>): AudienceDefinition<P> {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(definition.name)) {
    throw new TypeError(`audience name '${definition.name}' must be kebab-case, e.g. renewal-window`);
  }
  if (!Number.isInteger(definition.windowDays) || definition.windowDays < 1) {
    throw new TypeError(`audience ${definition.name}: windowDays must be a positive integer`);
  }
  if (!Number.isInteger(definition.hourUtc) || definition.hourUtc < 0 || definition.hourUtc > 23) {
    throw new TypeError(`audience ${definition.name}: hourUtc must be an hour, 0 to 23`);
  }
  for (const path of [definition.dateField, ...definition.projection]) {
    if (!FIELD_PATH.test(path) || path.split('.')[0] === '_id') {
      throw new TypeError(
        `audience ${definition.name}: '${path}' is not a profile field path, e.g. policies.renewalDate`,
      );
    }
  }
  if (definition.projection.length === 0) {
    throw new TypeError(`audience ${definition.name}: projection must name the profile fields matchesOf reads`);
  }
  return Object.freeze({ ...definition, projection: Object.freeze([...definition.projection]) });
}

/** Whether a date falls inside the window. */
export function inWindow(date: Date | null | undefined, window: AudienceWindow): date is Date {
  return !!date && date >= window.start && date < window.end;
}

/** Same inputs, same id: a re-run or an overlapping scan delivers an event the journey has already seen. */
export function audienceEventId(audience: string, customerId: string, key: string, date: string): string {
  return `audience:${audience}:${customerId}:${key}:${date}`;
}

/** The match for one profile entry: its trigger event, dated at the window's start, with a deterministic id. */
export function audienceMatch(
  audience: string,
  signal: { name: string; version: number },
  match: { customerId: string; key: string; date: string; data: unknown },
  window: AudienceWindow,
): AudienceMatch {
  const event: JourneyEvent = {
    id: audienceEventId(audience, match.customerId, match.key, match.date),
    // Its own dedupe scope: a later scan of the same date is decided by the run's state (routing/audience-reentry.ts).
    source: `audience:${audience}`,
    signal: signal.name,
    version: signal.version,
    customerId: match.customerId,
    occurredAt: window.start.toISOString(),
    data: match.data,
  };
  return { customerId: match.customerId, key: match.key, event };
}

export interface ScanAudienceInput {
  audience: string;
  /** Inclusive start of the date window (ISO date-time). */
  windowStart: string;
  /** Exclusive end of the date window (ISO date-time). */
  windowEnd: string;
  /** Resume after this profile (`_id` order): where the previous call stopped. */
  afterId?: string;
  /** Profiles per page: a page's matches are entered, then the position is recorded (heartbeat). */
  pageSize: number;
  /** Pages this call reads through its one cursor; the scan goes on in the next call. */
  maxPages: number;
}

/** What one call did; also its heartbeat details, so a retried attempt resumes after `lastId` with these counts. */
export interface ScanAudienceResult {
  pages: number;
  profilesScanned: number;
  matches: number;
  /** Matches whose event was new: routed now (signal-with-start: a new run, or the open run got the new date). */
  entered: number;
  /** Journey runs signal-with-started for those events. */
  started: number;
  /** Matches whose event id was routed before (an earlier or overlapping scan, a retried page): nothing happens. */
  duplicates: number;
  /** `_id` of the last profile whose page is entered. */
  lastId?: string;
  /** The window has no profile after `lastId`: the scan is complete. */
  done: boolean;
}

/** The activities the audience-scan workflow calls (implemented in activities/, checked with `satisfies`). */
export interface AudienceActivities {
  scanAudience(input: ScanAudienceInput): Promise<ScanAudienceResult>;
}

export interface AudienceScanInput {
  audience: string;
  /** How far ahead the window reaches, in days. */
  windowDays: number;
  /** Scan as of this day (ISO date) instead of today: to re-run a missed day, or to test. */
  asOf?: string;
  pageSize?: number;
  /** Pages per workflow run: one activity call, one cursor; then the scan continues as new. */
  pagesPerRun?: number;
  /** Set by continue-as-new: the window and cursor of the scan in progress, and the counts so far. */
  progress?: AudienceScanProgress;
}

export interface AudienceScanProgress {
  windowStart: string;
  windowEnd: string;
  afterId?: string;
  runs: number;
  pages: number;
  profilesScanned: number;
  matches: number;
  entered: number;
  started: number;
  duplicates: number;
}

export interface AudienceScanResult extends AudienceScanProgress {
  audience: string;
}
