import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Config } from '../config';
import { audienceCatalog } from '../journeys';
import { durationToMs } from '../sdk/durations';
import type { AudienceDefinition, AudienceScanInput } from '../sdk/contracts/audience';
import type { SegmentRecheckInput } from '../sdk/contracts/segment-recheck';
import { ensureRetentionSchedule } from './retention-schedule';
import {
  audienceScanWorkflowId,
  audienceScheduleId,
  OUTBOX_SWEEP_SCHEDULE_ID,
  OUTBOX_SWEEP_WORKFLOW_ID,
  SEGMENT_RECHECK_SCHEDULE_ID,
  SEGMENT_RECHECK_WORKFLOW_ID,
} from '../sdk/workflow-id';

/** One daily audience scan: which audience, how far ahead it looks, and when it runs (UTC). */
export type AudienceScheduleSpec = Pick<AudienceDefinition, 'name' | 'windowDays' | 'hourUtc'>;

function scheduleOptions(spec: AudienceScheduleSpec, config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>): ScheduleOptions {
  const input: AudienceScanInput = { audience: spec.name, windowDays: spec.windowDays };
  return {
    scheduleId: audienceScheduleId(spec.name),
    spec: { calendars: [{ hour: spec.hourUtc, minute: 0, comment: `daily at ${spec.hourUtc}:00 UTC` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'audienceScan',
      workflowId: audienceScanWorkflowId(spec.name),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [input],
      staticSummary: `audience scan: ${spec.name}, next ${spec.windowDays} days`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day', pauseOnFailure: false },
  };
}

/**
 * Creates a schedule, or brings an existing one up to date (keeping its paused state and note, which belong to the
 * operator). Safe to call from many workers at once.
 */
async function upsertSchedule(client: Client, options: ScheduleOptions): Promise<string> {
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
  return options.scheduleId;
}

/** The Temporal Schedule of each audience in journeys/ (its window and hour come from the audience). */
export async function ensureAudienceSchedules(
  client: Client,
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>,
  specs: readonly AudienceScheduleSpec[] = audienceCatalog,
): Promise<string[]> {
  const ids: string[] = [];
  for (const spec of specs) ids.push(await upsertSchedule(client, scheduleOptions(spec, config)));
  return ids;
}

/**
 * The segment recheck sweep's schedule (workflows/segment-recheck.ts), every SEGMENT_RECHECK_EVERY. A Temporal
 * Schedule rather than a timer in a worker: one sweep at a time however many workers run (the overlap policy skips
 * a sweep while one runs), and it outlives every worker restart.
 */
export async function ensureSegmentRecheckSchedule(
  client: Client,
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'SEGMENT_RECHECK_EVERY'>,
): Promise<string> {
  const input: SegmentRecheckInput = {};
  let every: number;
  try {
    every = durationToMs(config.SEGMENT_RECHECK_EVERY);
  } catch (error) {
    throw new Error(`SEGMENT_RECHECK_EVERY: ${(error as Error).message}`);
  }
  if (!(every > 0)) throw new Error(`SEGMENT_RECHECK_EVERY: '${config.SEGMENT_RECHECK_EVERY}' must be more than 0`);
  return upsertSchedule(client, {
    scheduleId: SEGMENT_RECHECK_SCHEDULE_ID,
    spec: { intervals: [{ every }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'segmentRecheck',
      workflowId: SEGMENT_RECHECK_WORKFLOW_ID,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [input],
      staticSummary: 'segment recheck: behaviour windows that lapsed without an event',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour', pauseOnFailure: false },
  });
}

/**
 * The outbox sweep's schedule. A Temporal Schedule rather than a loop in each worker: one sweep at a time however
 * many workers run (the overlap policy skips a sweep while one runs), it survives every process restart (it lives in
 * Temporal, as do the runs it feeds), and operators see, pause and trigger it in the Temporal UI beside the audience
 * scans. While Temporal is away nothing can be routed anyway; the first sweep after it returns catches up.
 */
export async function ensureOutboxSchedule(
  client: Client,
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'OUTBOX_SWEEP_EVERY'>,
): Promise<string> {
  return upsertSchedule(client, {
    scheduleId: OUTBOX_SWEEP_SCHEDULE_ID,
    spec: { intervals: [{ every: durationToMs(config.OUTBOX_SWEEP_EVERY) }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'outboxSweep',
      workflowId: OUTBOX_SWEEP_WORKFLOW_ID,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [],
      staticSummary: 'outbox sweep: route events recorded and not routed',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute', pauseOnFailure: false },
  });
}

/**
 * Every schedule the worker needs: the audience scans, the segment recheck sweep, the outbox sweep and the retention
 * sweep (worker start).
 */
export async function ensureSchedules(
  client: Client,
  config: Pick<
    Config,
    | 'TEMPORAL_TASK_QUEUE'
    | 'SEGMENT_RECHECK_EVERY'
    | 'OUTBOX_SWEEP_EVERY'
    | 'EVENT_RETENTION_DAYS'
    | 'RETENTION_SWEEP_HOUR_UTC'
  >,
): Promise<string[]> {
  return [
    ...(await ensureAudienceSchedules(client, config)),
    await ensureSegmentRecheckSchedule(client, config),
    await ensureOutboxSchedule(client, config),
    await ensureRetentionSchedule(client, config),
  ];
}
