import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { JourneyEvent } from '../signals/define-signal';
import type { RoutingReport } from '../sdk/contracts/routing';
import { WaymarkOutcome } from '../sdk/search-attributes';
import { eventSource } from './event-identity';
import type { RouterDeps } from './router-deps';

/** Outcomes of a run that stopped before running its course for its date (as opposed to converted, lost, completed). */
const ENDED_EARLY_OUTCOMES = new Set(['ineligible', 'exited']);

/** Audience events repeat every day for the same date: whether they enter again depends on the run, not the id. */
export function isAudienceEvent(event: Pick<JourneyEvent, 'source'>): boolean {
  return eventSource(event).startsWith('audience:');
}

/** Whether the journey run under this id has ended early (or never started): not open, not run its course. */
async function endedEarly(client: Client, workflowId: string): Promise<boolean> {
  let description;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return true;
    throw error;
  }
  const status = description.status.name;
  if (status === 'RUNNING' || status === 'CONTINUED_AS_NEW') return false;
  if (status !== 'COMPLETED') return true; // failed, terminated, cancelled, timed out
  const outcome = description.typedSearchAttributes.get(WaymarkOutcome);
  return outcome !== undefined && ENDED_EARLY_OUTCOMES.has(outcome);
}

/**
 * A later scan of the same date finds the same audience event id. It enters again when every journey the first copy
 * went to has no open run and its run ended early (ineligible, exited, failed, terminated) or was never started (the
 * entry rules refused it then); the entry rules decide again now. Converted, lost and completed runs are done with
 * that date.
 */
export async function audienceRunsEndedEarly(
  deps: RouterDeps,
  event: JourneyEvent,
  first: { routing?: unknown },
): Promise<boolean> {
  if (!isAudienceEvent(event)) return false;
  const runs = ((first.routing as RoutingReport | undefined)?.runs ?? []).filter((r) => r.action !== 'signalled');
  if (runs.length === 0) return false;
  for (const run of runs) if (!(await endedEarly(deps.client, run.workflowId))) return false;
  return true;
}
