// The retention sweep's contract: the system workflow (workflows/retention-sweep.ts) and its activity
// (activities/retention.ts). Types only: workflow code imports it freely.

export interface RetentionSweepInput {
  /** Events received more than this many days ago are deleted (EVENT_RETENTION_DAYS). */
  eventRetentionDays: number;
}

export interface RetentionSweepResult {
  /** When the sweep judged what had expired (ISO). */
  sweptAt: string;
  webMessages: number;
  capSlots: number;
  events: number;
}

export interface RetentionActivities {
  /** Deletes expired web messages and cap slots, and events past the retention. Idempotent. */
  sweepRetention(input: RetentionSweepInput): Promise<RetentionSweepResult>;
}
