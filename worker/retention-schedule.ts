import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Config } from '../config';
import type { RetentionSweepInput } from '../sdk/contracts/retention';

export const RETENTION_SCHEDULE_ID = 'waymark-retention';
export const RETENTION_WORKFLOW_ID = 'retention-sweep';

/**
 * The Temporal Schedule of the daily retention sweep (workflows/retention-sweep.ts), created or brought up to date on
 * worker start like the audience schedules; the operator's pause and note are kept.
 */
export async function ensureRetentionSchedule(
  client: Client,
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'EVENT_RETENTION_DAYS' | 'RETENTION_SWEEP_HOUR_UTC'>,
): Promise<string> {
  const input: RetentionSweepInput = { eventRetentionDays: config.EVENT_RETENTION_DAYS };
  const hour = config.RETENTION_SWEEP_HOUR_UTC;
  const options: ScheduleOptions = {
    scheduleId: RETENTION_SCHEDULE_ID,
    spec: { calendars: [{ hour, minute: 30, comment: `daily at ${hour}:30 UTC` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'retentionSweep',
      workflowId: RETENTION_WORKFLOW_ID,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [input],
      staticSummary: `retention sweep: expired web messages and cap slots, events older than ${input.eventRetentionDays} days`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day', pauseOnFailure: false },
  };
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(RETENTION_SCHEDULE_ID).update((previous) => ({
      spec: options.spec,
      action: options.action,
      policies: options.policies,
      state: { paused: previous.state.paused, ...(previous.state.note ? { note: previous.state.note } : {}) },
    }));
  }
  return RETENTION_SCHEDULE_ID;
}
