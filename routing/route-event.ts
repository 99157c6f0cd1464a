import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { JourneyEvent } from '../signals/define-signal';
import { EventRecord } from '../models/event';
import { journeyWorkflowId } from '../workflows/sdk/workflow-id';
import { WaymarkCustomerId, WaymarkJourney, WaymarkJourneyVersion } from '../workflows/sdk/search-attributes';
import type { JourneyWorkflow } from '../workflows/sdk/define-journey';
import { durationToMs } from '../workflows/sdk/durations';
import { journeysFedBy, journeysStartedBy } from './journey-routes';

export interface RoutedRun {
  journey: string;
  workflowId: string;
  /** entered: signal-with-start (a new run, or the open run under that id got the event). */
  action: 'entered' | 'signalled' | 'skipped';
  reason?: string;
}

export interface RoutingReport {
  eventId: string;
  duplicate: boolean;
  started: number;
  signalled: number;
  runs: RoutedRun[];
}

export interface RouterDeps {
  client: Client;
  taskQueue: string;
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** Entry rules: may a new run start under this id, given the previous one? */
async function entryBlockedBy(deps: RouterDeps, workflow: JourneyWorkflow, workflowId: string, now: Date) {
  const reentry = workflow.journey.entry?.reentry ?? 'always';
  if (reentry === 'never' || reentry === 'always') return undefined;
  let description: WorkflowExecutionDescription;
  try {
    description = await deps.client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  if (!description.closeTime) return undefined; // open: signalWithStart just signals it
  const until = description.closeTime.getTime() + durationToMs(reentry.cooldown);
  return until > now.getTime() ? `in cooldown until ${new Date(until).toISOString()}` : undefined;
}

async function startOrSignal(deps: RouterDeps, workflow: JourneyWorkflow, event: JourneyEvent): Promise<RoutedRun> {
  const { journey } = workflow;
  const key = journey.trigger.key(event.data as never);
  const workflowId = journeyWorkflowId(journey.name, event.customerId, key);
  const blocked = await entryBlockedBy(deps, workflow, workflowId, new Date());
  if (blocked) return { journey: journey.name, workflowId, action: 'skipped', reason: blocked };
  try {
    await deps.client.workflow.signalWithStart(workflow.workflowType, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [{ customerId: event.customerId, key }],
      signal: event.signal,
      signalArgs: [event],
      workflowIdReusePolicy:
        journey.entry?.reentry === 'never'
          ? WorkflowIdReusePolicy.REJECT_DUPLICATE
          : WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      typedSearchAttributes: [
        { key: WaymarkCustomerId, value: event.customerId },
        { key: WaymarkJourney, value: journey.name },
        { key: WaymarkJourneyVersion, value: journey.version },
      ],
      staticSummary: `${journey.name} v${journey.version} for ${event.customerId}`,
    });
    return { journey: journey.name, workflowId, action: 'entered' };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      return { journey: journey.name, workflowId, action: 'skipped', reason: 'entered before (re-entry: never)' };
    }
    throw error;
  }
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

async function feedOpenRuns(deps: RouterDeps, event: JourneyEvent, startedJourneys: Set<string>) {
  const runs: RoutedRun[] = [];
  for (const [journey, routes] of journeysFedBy(event.signal)) {
    if (startedJourneys.has(journey)) continue; // signalWithStart already delivered it to that run
    const keyed = routes.filter((r) => r.key);
    if (keyed.length === routes.length) {
      const ids = new Set(keyed.map((r) => journeyWorkflowId(journey, event.customerId, r.key!(event.data as never))));
      for (const id of ids) runs.push(await signalRun(deps, journey, id, event));
      continue;
    }
    // No key: every open run of this journey for the customer (Temporal visibility).
    const query = `WaymarkCustomerId = '${event.customerId}' AND WaymarkJourney = '${journey}' AND ExecutionStatus = 'Running'`;
    for await (const run of deps.client.workflow.list({ query })) {
      runs.push(await signalRun(deps, journey, run.workflowId, event));
    }
  }
  return runs;
}

/** Sends one event to the journeys it starts and the open runs it feeds. */
export async function routeToJourneys(deps: RouterDeps, event: JourneyEvent): Promise<RoutedRun[]> {
  const runs: RoutedRun[] = [];
  for (const workflow of journeysStartedBy(event.signal)) runs.push(await startOrSignal(deps, workflow, event));
  const started = new Set(runs.map((r) => r.journey));
  runs.push(...(await feedOpenRuns(deps, event, started)));
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
  const runs = await routeToJourneys(deps, event);
  const report: RoutingReport = {
    eventId: event.id,
    duplicate: false,
    started: runs.filter((r) => r.action === 'entered').length,
    signalled: runs.filter((r) => r.action === 'signalled').length,
    runs,
  };
  await EventRecord.updateOne({ _id: event.id }, { $set: { routing: report, routedAt: new Date() } });
  return report;
}

/** `routeEvent` bound to its dependencies, for the API plugins and the audience activities. */
export function createEventRouter(deps: RouterDeps) {
  return (event: JourneyEvent) => routeEvent(deps, event);
}
