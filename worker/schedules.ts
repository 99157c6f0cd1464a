import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { AudienceName, AudienceScanInput } from '../activities/audience-types';
import type { Config } from '../config';

/** One daily audience scan: which audience, how far ahead it looks, and when it runs (UTC). */
export interface AudienceScheduleSpec {
  audience: AudienceName;
  windowDays: number;
  hourUtc: number;
}

/**
 * Renewals are offered 30 days ahead (the journey reminds 7 days before); a dependent hears 60 days before
 * losing cover at 26. A daily scan re-finds each match until its date passes; the deterministic workflow and
 * event ids make every repeat a no-op.
 */
export const AUDIENCE_SCHEDULES: readonly AudienceScheduleSpec[] = [
  { audience: 'renewal-window', windowDays: 30, hourUtc: 6 },
  { audience: 'dependent-turning-26', windowDays: 60, hourUtc: 6 },
];

export function audienceScheduleId(audience: AudienceName): string {
  return `waymark-audience-${audience}`;
}

/** The scan's workflow id: one scan of an audience at a time (the overlap policy skips a second). */
export function audienceScanWorkflowId(audience: AudienceName): string {
  return `audience-scan/${audience}`;
}

function scheduleOptions(spec: AudienceScheduleSpec, config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>): ScheduleOptions {
  const input: AudienceScanInput = { audience: spec.audience, windowDays: spec.windowDays };
  return {
    scheduleId: audienceScheduleId(spec.audience),
    spec: { calendars: [{ hour: spec.hourUtc, minute: 0, comment: `daily at ${spec.hourUtc}:00 UTC` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'audienceScan',
      workflowId: audienceScanWorkflowId(spec.audience),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [input],
      staticSummary: `audience scan: ${spec.audience}, next ${spec.windowDays} days`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day', pauseOnFailure: false },
  };
}

/**
 * Creates the Temporal Schedule of each audience, or brings an existing one up to date (keeping its paused state and
 * note, which belong to the operator). Called on worker start; safe to call from many workers at once.
 */
export async function ensureAudienceSchedules(
  client: Client,
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>,
  specs: readonly AudienceScheduleSpec[] = AUDIENCE_SCHEDULES,
): Promise<string[]> {
  const ids: string[] = [];
  for (const spec of specs) {
    const options = scheduleOptions(spec, config);
    try {
      await client.schedule.create(options);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(options.scheduleId).update((previous) => ({
        spec: options.spec,
        action: options.action,
        policies: options.policies,
        state: { paused: previous.state.paused, ...(previous.state.note ? { note: previous.state.note } : {}) },
      }));
    }
    ids.push(options.scheduleId);
  }
  return ids;
}
