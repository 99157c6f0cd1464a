import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Config } from '../config';
import { audienceCatalog } from '../journeys';
import type { AudienceDefinition, AudienceScanInput } from '../sdk/contracts/audience';
import { audienceScanWorkflowId, audienceScheduleId } from '../sdk/workflow-id';

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
 * Creates the Temporal Schedule of each audience in journeys/ (its window and hour come from the audience), or brings
 * an existing one up to date (keeping its paused state and note, which belong to the operator). Called on worker
 * start; safe to call from many workers at once.
 */
export async function ensureAudienceSchedules(
  client: Client,
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>,
  specs: readonly AudienceScheduleSpec[] = audienceCatalog,
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
