import { WorkflowNotFoundError } from '@temporalio/client';
import type { JourneyEvent } from '../signals/define-signal';
import type { RoutedRun } from '../sdk/contracts/routing';
import type { RouterDeps } from './router-deps';

/** Signals the open run under `workflowId`; `skipped` when none is open. */
export async function signalRun(
  deps: RouterDeps,
  journey: string,
  workflowId: string,
  event: JourneyEvent,
): Promise<RoutedRun> {
  try {
    await deps.client.workflow.getHandle(workflowId).signal(event.signal, event);
    return { journey, workflowId, action: 'signalled' };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError)
      return { journey, workflowId, action: 'skipped', reason: 'no open run' };
    throw error;
  }
}
