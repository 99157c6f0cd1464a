import type { JourneyEvent } from '../signals/define-signal';
import type { RoutedRun, RoutingReport } from '../sdk/contracts/routing';
import { EventRecord } from '../models/event';
import { journeyWorkflowId } from '../sdk/workflow-id';
import { identityResolved } from '../signals/identity-resolved';
import { enterJourney, type EntryOptions } from './journey-entry';
import { journeysEndedBy, journeysFedBy, journeysStartedBy } from './journey-routes';
import { rememberEnd } from './remembered-ends';
import type { RouterDeps } from './router-deps';
import { signalRun } from './signal-run';
import { openJourneyRunsQuery } from './visibility-query';

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

/**
 * Sends one event to the journeys it starts and the open runs it feeds (also those begun under merged ids). A goal
 * or exit is remembered first, open run or not, so a trigger that arrives late starts nothing
 * (routing/remembered-ends.ts).
 */
export async function routeToJourneys(
  deps: RouterDeps,
  event: JourneyEvent,
  mergedIds: readonly string[] = [],
  options: EntryOptions = {},
): Promise<RoutedRun[]> {
  for (const ending of journeysEndedBy(event, deps.catalog)) await rememberEnd(ending, event);
  const runs: RoutedRun[] = [];
  for (const workflow of journeysStartedBy(event.signal, deps.catalog)) {
    runs.push(await enterJourney(deps, workflow, event, mergedIds, options));
  }
  // A trigger that did not start (its condition, a cooldown) leaves the journey's open runs to be fed as usual.
  const started = new Set(runs.filter((r) => r.action !== 'skipped').map((r) => r.journey));
  runs.push(...(await feedOpenRuns(deps, event, started, mergedIds)));
  runs.push(...(await tellMergedVisitorRuns(deps, event)));
  return runs;
}
