// Types shared by the audience-scan workflow and the audience activities: workflow code may import this file (types).
import type { JourneyEvent } from '../signals/define-signal';

/** The date-based audiences Waymark scans; each emits one journey trigger signal per match. */
export type AudienceName = 'renewal-window' | 'dependent-turning-26';

export interface ScanAudiencePageInput {
  audience: AudienceName;
  /** Inclusive start of the date window (ISO date-time). */
  windowStart: string;
  /** Exclusive end of the date window (ISO date-time). */
  windowEnd: string;
  /** Range pagination: only profiles with `_id > afterId`. */
  afterId?: string;
  pageSize: number;
}

/** One journey entry found by a scan: the event the journey's router receives. */
export interface AudienceMatch {
  customerId: string;
  /** The run key (policy id, dependent id). */
  key: string;
  event: JourneyEvent;
}

export interface ScanAudiencePageResult {
  profilesScanned: number;
  matches: AudienceMatch[];
  /** `_id` of the last profile on the page; the next page starts after it. Absent on an empty page. */
  lastId?: string;
  /** Fewer profiles than `pageSize` came back: the scan is complete. */
  done: boolean;
}

export interface EnterAudienceMatchesResult {
  /** Matches whose event was new: routed now (signal-with-start: a new run, or the open run got the new date). */
  entered: number;
  /** Journey runs signal-with-started for those events. */
  started: number;
  /** Matches whose event id was routed before (an earlier or overlapping scan): nothing happens. */
  duplicates: number;
}

export interface AudienceScanInput {
  audience: AudienceName;
  /** How far ahead the window reaches, in days. */
  windowDays: number;
  /** Scan as of this day (ISO date) instead of today: to re-run a missed day, or to test. */
  asOf?: string;
  pageSize?: number;
  /** Pages per workflow run before continue-as-new keeps the history short. */
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
  audience: AudienceName;
}
