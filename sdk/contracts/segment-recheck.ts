// The segment recheck sweep's contract: behaviour windows lapse with time, event or not, so profiles whose
// `segmentsRecheckAt` has come are evaluated again. Shared by the system workflow (workflows/segment-recheck.ts), its
// activity (activities/segment-recheck.ts) and the routing function the worker hands that activity. Types only.

/** Who entered or left a segment (segment.entered / segment.exited were routed for each). */
export interface SegmentChange {
  segment: string;
  version: number;
  change: 'entered' | 'exited';
}

/**
 * Evaluates one customer's segments again at `now` if their recheck time has come, writes the memberships and the
 * next recheck time, and routes segment.entered / segment.exited. Implemented in routing/; the worker hands it over.
 */
export type RecheckCustomer = (customerId: string, now: Date) => Promise<SegmentChange[]>;

export interface RecheckSegmentsInput {
  /** Profiles whose `segmentsRecheckAt` is at or before this instant (ISO) are due. */
  dueBy: string;
  /** Resume after this profile (`_id` order): where the previous call stopped. */
  afterId?: string;
  /** Profiles per page: after each page the position is recorded (heartbeat). */
  pageSize: number;
  /** Pages this call reads through its one cursor; the sweep goes on in the next call. */
  maxPages: number;
}

/** What one call did; also its heartbeat details, so a retried attempt resumes after `lastId` with these counts. */
export interface RecheckSegmentsResult {
  pages: number;
  /** Due profiles evaluated. */
  profilesChecked: number;
  /** Segment exits (and entries) routed. */
  exited: number;
  entered: number;
  /** `_id` of the last profile whose page is done. */
  lastId?: string;
  /** No due profile after `lastId`: the sweep is complete. */
  done: boolean;
}

/** The activities the segment-recheck workflow calls (implemented in activities/, checked with `satisfies`). */
export interface SegmentRecheckActivities {
  recheckSegments(input: RecheckSegmentsInput): Promise<RecheckSegmentsResult>;
}

export interface SegmentRecheckInput {
  pageSize?: number;
  /** Pages per workflow run: one activity call, one cursor; then the sweep continues as new. */
  pagesPerRun?: number;
  /** Set by continue-as-new: the sweep's due time, position and counts so far. */
  progress?: SegmentRecheckProgress;
}

export interface SegmentRecheckProgress {
  dueBy: string;
  afterId?: string;
  runs: number;
  pages: number;
  profilesChecked: number;
  exited: number;
  entered: number;
}

export type SegmentRecheckResult = SegmentRecheckProgress;
