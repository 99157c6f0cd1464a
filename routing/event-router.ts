import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { JourneyEvent } from '../signals/define-signal';
import type { RoutedRun, RouteEvent, RoutingReport } from '../sdk/contracts/routing';
import { EventRecord } from '../models/event';
import { isDuplicateKey } from '../models/mongo-errors';
import { journeyWorkflowId } from '../sdk/workflow-id';
import { WaymarkCustomerId, WaymarkJourney, WaymarkJourneyVersion } from '../sdk/search-attributes';
import type { JourneyWorkflow } from '../sdk/define-journey';
import type { Duration, EntryRules } from '../sdk/journey-types';
import { durationToMs } from '../sdk/durations';
import { identityResolved } from '../signals/identity-resolved';
import { journeysFedBy, journeysStartedBy } from './journey-routes';
import { customerModel, keepCustomerCurrent, segmentChangeEvents, type CustomerModel } from './segment-upkeep';
import type { MembershipChange } from './segment-rules';
import { openJourneyRunsQuery } from './visibility-query';

export interface RouterDeps {
  client: Client;
  taskQueue: string;
  /** The journeys to route to; default every version in journeys/index.ts. */
  catalog?: readonly JourneyWorkflow[];
  /** The segments and score model kept current as events arrive; default the catalog's (segments/index.ts). */
  customers?: CustomerModel;
}

const defaultCustomerModel = customerModel('on');

/**
 * Entry rules, first attempt: `always` may replace a closed run outright; `never` and a cooldown refuse to, so a
 * closed run is noticed (and only then, for a cooldown, described).
 */
export function firstEntryPolicy(entry: EntryRules | undefined): WorkflowIdReusePolicy {
  return (entry?.reentry ?? 'always') === 'always'
    ? WorkflowIdReusePolicy.ALLOW_DUPLICATE
    : WorkflowIdReusePolicy.REJECT_DUPLICATE;
}

/** When the cooldown after the last closed run under this id ends (undefined: no closed run holds it back). */
export async function cooldownEndsAt(
  client: Client,
  workflowId: string,
  cooldown: Duration,
): Promise<Date | undefined> {
  let description: WorkflowExecutionDescription;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  if (!description.closeTime) return undefined;
  return new Date(description.closeTime.getTime() + durationToMs(cooldown));
}

async function startOrSignal(
  deps: RouterDeps,
  workflow: JourneyWorkflow,
  event: JourneyEvent,
  mergedIds: readonly string[],
): Promise<RoutedRun> {
  const { journey } = workflow;
  const key = journey.trigger.key(event.data as never);
  const workflowId = journeyWorkflowId(journey.name, event.customerId, key);
  if (journey.trigger.when?.(event.data as never) === false) {
    return { journey: journey.name, workflowId, action: 'skipped', reason: 'the trigger condition does not hold' };
  }
  // A run that began while the customer was an anonymous visitor goes on under its own id: it gets the event.
  for (const mergedId of mergedIds) {
    const run = await signalRun(deps, journey.name, journeyWorkflowId(journey.name, mergedId, key), event);
    if (run.action === 'signalled') return run;
  }
  // signalWithStart signals the open run under this id whatever its version, else starts the newest version.
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
  try {
    return await signalWithStart(firstEntryPolicy(journey.entry));
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  // A closed run holds the id (only `never` and a cooldown get here).
  const reentry = journey.entry?.reentry;
  if (typeof reentry !== 'object') {
    return { journey: journey.name, workflowId, action: 'skipped', reason: 'entered before (re-entry: never)' };
  }
  const until = await cooldownEndsAt(deps.client, workflowId, reentry.cooldown);
  if (until && until.getTime() > Date.now()) {
    return { journey: journey.name, workflowId, action: 'skipped', reason: `in cooldown until ${until.toISOString()}` };
  }
  return signalWithStart(WorkflowIdReusePolicy.ALLOW_DUPLICATE);
}

async function signalRun(deps: RouterDeps, journey: string, workflowId: string, event: JourneyEvent) {
  try {
    await deps.client.workflow.getHandle(workflowId).signal(event.signal, event);
    return { journey, workflowId, action: 'signalled' as const };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      return { journey, workflowId, action: 'skipped' as const, reason: 'no open run' };
    }
    throw error;
  }
}

async function feedOpenRuns(
  deps: RouterDeps,
  event: JourneyEvent,
  startedJourneys: Set<string>,
  mergedIds: readonly string[],
) {
  const runs: RoutedRun[] = [];
  for (const [journey, routes] of journeysFedBy(event.signal, deps.catalog)) {
    if (startedJourneys.has(journey)) continue; // signalWithStart already delivered it to that run
    const keyed = routes.filter((r) => r.key);
    if (keyed.length === routes.length) {
      const keys = new Set(keyed.map((r) => r.key!(event.data as never)));
      for (const key of keys) {
        const run = await signalRun(deps, journey, journeyWorkflowId(journey, event.customerId, key), event);
        // Not under the customer's id: perhaps under an anonymous visitor's id merged into the customer.
        const merged = run.action === 'signalled' ? [] : await signalMergedRuns(deps, journey, key, event, mergedIds);
        runs.push(...(merged.length > 0 ? merged : [run]));
      }
      continue;
    }
    // No key: every open run of this journey for the customer (Temporal visibility; merged runs carry the customer
    // id in WaymarkCustomerId once they have heard of the merge).
    for await (const run of deps.client.workflow.list({ query: openJourneyRunsQuery(event.customerId, journey) })) {
      runs.push(await signalRun(deps, journey, run.workflowId, event));
    }
  }
  return runs;
}

async function signalMergedRuns(
  deps: RouterDeps,
  journey: string,
  key: string,
  event: JourneyEvent,
  mergedIds: readonly string[],
): Promise<RoutedRun[]> {
  const runs: RoutedRun[] = [];
  for (const mergedId of mergedIds) {
    const run = await signalRun(deps, journey, journeyWorkflowId(journey, mergedId, key), event);
    if (run.action === 'signalled') runs.push(run);
  }
  return runs;
}

/**
 * identity.resolved also goes to every open run of the anonymous profile that was merged: the runs it entered,
 * found in the event log (not Temporal visibility, which may lag behind a run started a moment ago).
 */
async function tellMergedVisitorRuns(deps: RouterDeps, event: JourneyEvent): Promise<RoutedRun[]> {
  if (event.signal !== identityResolved.name) return [];
  const { previousCustomerId } = event.data as { previousCustomerId: string };
  const records = await EventRecord.find({ customerId: previousCustomerId, 'routing.runs.action': 'entered' })
    .select({ routing: 1 })
    .lean<Array<{ routing?: RoutingReport }>>();
  const entered = new Map<string, string>();
  for (const record of records) {
    for (const run of record.routing?.runs ?? [])
      if (run.action === 'entered') entered.set(run.workflowId, run.journey);
  }
  const runs: RoutedRun[] = [];
  for (const [workflowId, journey] of entered) runs.push(await signalRun(deps, journey, workflowId, event));
  return runs;
}

/** Sends one event to the journeys it starts and the open runs it feeds (also those begun under merged ids). */
export async function routeToJourneys(
  deps: RouterDeps,
  event: JourneyEvent,
  mergedIds: readonly string[] = [],
): Promise<RoutedRun[]> {
  const runs: RoutedRun[] = [];
  for (const workflow of journeysStartedBy(event.signal, deps.catalog))
    runs.push(await startOrSignal(deps, workflow, event, mergedIds));
  // A trigger that did not start (its condition, a cooldown) leaves the journey's open runs to be fed as usual.
  const started = new Set(runs.filter((r) => r.action !== 'skipped').map((r) => r.journey));
  runs.push(...(await feedOpenRuns(deps, event, started, mergedIds)));
  runs.push(...(await tellMergedVisitorRuns(deps, event)));
  return runs;
}

/**
 * The one entry point for events (API, webhooks, audience scans): record it once by event id, route it, and
 * remember the outcome. A repeated event changes nothing and answers with the first outcome.
 */
export async function routeEvent(deps: RouterDeps, event: JourneyEvent): Promise<RoutingReport> {
  try {
    await EventRecord.create({ _id: event.id, ...event, occurredAt: new Date(event.occurredAt) });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const first = await EventRecord.findById(event.id).lean();
    if (first?.routedAt) return { ...(first.routing as RoutingReport), duplicate: true };
    // Recorded but routing never finished (a crash): route again; runs drop events they already hold.
  }
  // Score, behaviour windows and segments first: journeys that enter on this event see the profile it made.
  const upkeep = await keepCustomerCurrent(deps.customers ?? defaultCustomerModel, event.customerId, event);
  const runs = await routeToJourneys(deps, event, upkeep.mergedIds);
  const report: RoutingReport = {
    eventId: event.id,
    duplicate: false,
    started: runs.filter((r) => r.action === 'entered').length,
    signalled: runs.filter((r) => r.action === 'signalled').length,
    runs,
    ...(upkeep.changes.length > 0
      ? { segments: upkeep.changes.map(({ segment, change }) => ({ segment, change })) }
      : {}),
  };
  await routeSegmentChanges(deps, event.customerId, upkeep.changes, {
    id: event.id,
    reason: `event ${event.signal}`,
    event,
  });
  await EventRecord.updateOne({ _id: event.id }, { $set: { routing: report, routedAt: new Date() } });
  return report;
}

/** Routes `segment.entered` / `segment.exited` for membership changes (journeys start on, wait for or end on them). */
export async function routeSegmentChanges(
  deps: RouterDeps,
  customerId: string,
  changes: readonly MembershipChange[],
  cause: Parameters<typeof segmentChangeEvents>[2],
): Promise<void> {
  for (const event of segmentChangeEvents(customerId, changes, cause, new Date())) await routeEvent(deps, event);
}

/**
 * After a profile changed outside events (PUT /v1/profiles, a merge, a behaviour window lapsing): its segments are
 * evaluated again and the changes routed. `causeId` names the change, so running it again routes nothing twice.
 */
export async function refreshCustomer(
  deps: RouterDeps,
  customerId: string,
  cause: { id: string; reason: string },
  now = new Date(),
): Promise<MembershipChange[]> {
  const { changes } = await keepCustomerCurrent(deps.customers ?? defaultCustomerModel, customerId, undefined, now);
  await routeSegmentChanges(deps, customerId, changes, cause);
  return changes;
}

/** `routeEvent` bound to its dependencies: the API builds one, the worker hands one to the audience activities. */
export function createEventRouter(deps: RouterDeps): RouteEvent {
  return (event) => routeEvent(deps, event);
}
