import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { JourneyEvent } from '../signals/define-signal';
import type { RoutedRun } from '../sdk/contracts/routing';
import type { JourneyWorkflow } from '../sdk/define-journey';
import { durationToMs } from '../sdk/durations';
import type { Duration, EntryRules } from '../sdk/journey-types';
import { WaymarkCustomerId, WaymarkJourney, WaymarkJourneyVersion } from '../sdk/search-attributes';
import { journeyWorkflowId } from '../sdk/workflow-id';
import { refusalByEnd, rememberedEndOf } from './remembered-ends';
import type { RouterDeps } from './router-deps';
import { signalRun } from './signal-run';

export interface EntryOptions {
  /**
   * Set when routing this event again after an attempt that may have got part-way (the outbox sweeper): the time it
   * was recorded. A run that was open then and has closed since held the event; it must not start another.
   */
  retryOfEventRecordedAt?: Date;
}

/**
 * Entry rules, first attempt: `always` may replace a closed run outright; `never` and a cooldown refuse to, so a
 * closed run is noticed (and only then, for a cooldown, described).
 */
export function firstEntryPolicy(entry: EntryRules | undefined): WorkflowIdReusePolicy {
  return (entry?.reentry ?? 'always') === 'always'
    ? WorkflowIdReusePolicy.ALLOW_DUPLICATE
    : WorkflowIdReusePolicy.REJECT_DUPLICATE;
}

async function describeRun(client: Client, workflowId: string): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** When the cooldown after the last closed run under this id ends (undefined: no closed run holds it back). */
export async function cooldownEndsAt(
  client: Client,
  workflowId: string,
  cooldown: Duration,
): Promise<Date | undefined> {
  const description = await describeRun(client, workflowId);
  if (!description?.closeTime) return undefined;
  return new Date(description.closeTime.getTime() + durationToMs(cooldown));
}

/**
 * The trigger's way into its journey: its condition, a run begun under a merged (anonymous) id, a remembered goal or
 * exit, then signal-with-start on the run's deterministic id under the entry rules (the open run, whatever its
 * version, gets the event; else the newest version starts).
 */
export async function enterJourney(
  deps: RouterDeps,
  workflow: JourneyWorkflow,
  event: JourneyEvent,
  mergedIds: readonly string[],
  options: EntryOptions = {},
): Promise<RoutedRun> {
  const { journey } = workflow;
  const key = journey.trigger.key(event.data as never);
  const workflowId = journeyWorkflowId(journey.name, event.customerId, key);
  const skipped = (reason: string): RoutedRun => ({ journey: journey.name, workflowId, action: 'skipped', reason });
  if (journey.trigger.when?.(event.data as never) === false) return skipped('the trigger condition does not hold');
  // A run that began while the customer was an anonymous visitor goes on under its own id: it gets the event.
  for (const mergedId of mergedIds) {
    const run = await signalRun(deps, journey.name, journeyWorkflowId(journey.name, mergedId, key), event);
    if (run.action === 'signalled') return run;
  }

  const end = await rememberedEndOf(journey.name, event.customerId, key);
  const refusal = end && refusalByEnd(end, event, journey.entry);
  if (refusal) return skipped(refusal);
  if (options.retryOfEventRecordedAt) {
    const closeTime = (await describeRun(deps.client, workflowId))?.closeTime;
    if (closeTime && closeTime.getTime() >= options.retryOfEventRecordedAt.getTime()) {
      return skipped('the run under this id was open when the event was recorded and has closed since: it held it');
    }
  }

  const signalWithStart = async (workflowIdReusePolicy: WorkflowIdReusePolicy): Promise<RoutedRun> => {
    const handle = await deps.client.workflow.signalWithStart(workflow.workflowType, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [{ customerId: event.customerId, key }],
      signal: event.signal,
      signalArgs: [event],
      workflowIdReusePolicy,
      typedSearchAttributes: [
        { key: WaymarkCustomerId, value: event.customerId },
        { key: WaymarkJourney, value: journey.name },
        { key: WaymarkJourneyVersion, value: journey.version },
      ],
      staticSummary: `${journey.name} v${journey.version} for ${event.customerId}`,
    });
    return { journey: journey.name, workflowId, runId: handle.signaledRunId, action: 'entered' };
  };
  let entered: RoutedRun | undefined;
  try {
    entered = await signalWithStart(firstEntryPolicy(journey.entry));
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  if (!entered) {
    // A closed run holds the id (only `never` and a cooldown get here).
    const reentry = journey.entry?.reentry;
    if (typeof reentry !== 'object') return skipped('entered before (re-entry: never)');
    const until = await cooldownEndsAt(deps.client, workflowId, reentry.cooldown);
    if (until && until.getTime() > Date.now()) return skipped(`in cooldown until ${until.toISOString()}`);
    entered = await signalWithStart(WorkflowIdReusePolicy.ALLOW_DUPLICATE);
  }

  // A goal or exit routed while this trigger was: it was remembered before it was signalled, so either its signal
  // reached the run or it is found here. The run gets it (and drops it if it holds it already).
  const late = await rememberedEndOf(journey.name, event.customerId, key);
  if (late && late.eventId !== end?.eventId && refusalByEnd(late, event, journey.entry)) {
    await deps.client.workflow
      .getHandle(workflowId)
      .signal(late.event.signal, late.event)
      .catch((error: unknown) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });
  }
  return entered;
}
