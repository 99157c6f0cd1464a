/**
 * The one place that names a journey run: `<journey>/<customerId>/<key>`, the same for every version,
 * so event entry, audience entry and re-runs all land on the same run and never start it twice.
 */
export function journeyWorkflowId(journey: string, customerId: string, key: string): string {
  return `${journey}/${customerId}/${key}`;
}

/** The workflow type of a journey version, e.g. `abandonedCartV1`. */
export function journeyWorkflowType(journey: string, version: number): string {
  const camel = journey.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return `${camel}V${version}`;
}

/** The Temporal Schedule that runs an audience's daily scan. */
export function audienceScheduleId(audience: string): string {
  return `waymark-audience-${audience}`;
}

/** The Temporal Schedule of the segment recheck sweep, and its workflow id (one sweep at a time). */
export const SEGMENT_RECHECK_SCHEDULE_ID = 'waymark-segment-recheck';
export const SEGMENT_RECHECK_WORKFLOW_ID = 'segment-recheck';
/** The Temporal Schedule of the outbox sweep, and the sweep's workflow id (one sweep at a time). */
export const OUTBOX_SWEEP_SCHEDULE_ID = 'waymark-outbox-sweep';
export const OUTBOX_SWEEP_WORKFLOW_ID = 'outbox-sweep';

/** The scan's workflow id: one scan of an audience at a time (the schedule's overlap policy skips a second). */
export function audienceScanWorkflowId(audience: string): string {
  return `audience-scan/${audience}`;
}
