import type { JourneyEvent } from '../signals/define-signal';
import type { RoutedRun, RouteEvent, RoutingReport } from '../sdk/contracts/routing';
import { EventRecord } from '../models/event';
import { isDuplicateKey } from '../models/mongo-errors';
import { routingDuration } from '../metrics/registry';
import { audienceRunsEndedEarly } from './audience-reentry';
import { EventIdConflict } from './event-conflict';
import { isErased } from './erased-customers';
import { eventRecordKey, eventSource, payloadHash } from './event-identity';
import type { EntryOptions } from './journey-entry';
import { claimOutbox, finishOutbox, releaseOutbox, ROUTING_DEADLINE_MS } from './outbox';
import type { RouterDeps } from './router-deps';
import { routeToJourneys } from './route-to-journeys';
import {
  customerModel,
  keepCustomerCurrent,
  segmentChangeEvents,
  type CustomerModel,
  type UpkeepResult,
} from './segment-upkeep';
import type { MembershipChange } from './segment-rules';

export type { RouterDeps } from './router-deps';
export { cooldownEndsAt, firstEntryPolicy } from './journey-entry';
export { routeToJourneys } from './route-to-journeys';

const defaultCustomerModel: CustomerModel = customerModel('on');

function reportOf(event: JourneyEvent, runs: RoutedRun[]): RoutingReport {
  return {
    eventId: event.id,
    duplicate: false,
    started: runs.filter((r) => r.action === 'entered').length,
    signalled: runs.filter((r) => r.action === 'signalled').length,
    runs,
  };
}

/** The record of an event: the unique `_id` makes its insert the one decision between concurrent copies. */
export async function recordEvent(key: string, event: JourneyEvent): Promise<void> {
  await EventRecord.create({
    _id: key,
    eventId: event.id,
    source: eventSource(event),
    signal: event.signal,
    version: event.version,
    customerId: event.customerId,
    occurredAt: new Date(event.occurredAt),
    data: event.data,
    payloadHash: payloadHash(event),
  });
}

export interface RouteRecordedOptions extends EntryOptions {
  /** The customer upkeep an earlier attempt did (kept with its outbox entry): not done twice. */
  upkeep?: UpkeepResult;
}

/**
 * Routes an event whose record exists and whose outbox entry this router holds: the customer's score, behaviour and
 * segments first (journeys that enter on this event see the profile it made), then the journeys, then the segment
 * changes; records the outcome and clears the outbox entry. When routing fails (Temporal away), the entry is released
 * for the sweeper with the upkeep done, and the answer says the event is queued: it is recorded and will be routed.
 */
export async function routeRecorded(
  deps: RouterDeps,
  key: string,
  event: JourneyEvent,
  options: RouteRecordedOptions = {},
): Promise<RoutingReport> {
  const upkeep =
    options.upkeep ?? (await keepCustomerCurrent(deps.customers ?? defaultCustomerModel, event.customerId, event));
  let report: RoutingReport;
  try {
    const runs = await deps.client.withDeadline(Date.now() + ROUTING_DEADLINE_MS, () =>
      routeToJourneys(deps, event, upkeep.mergedIds, options),
    );
    report = {
      ...reportOf(event, runs),
      ...(upkeep.changes.length > 0
        ? { segments: upkeep.changes.map(({ segment, change }) => ({ segment, change })) }
        : {}),
    };
    await routeSegmentChanges(deps, event.customerId, upkeep.changes, {
      id: event.id,
      reason: `event ${event.signal}`,
      event,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await releaseOutbox(key, reason, upkeep);
    return { ...reportOf(event, []), queued: `recorded; routing failed and will be retried: ${reason}` };
  }
  await EventRecord.updateOne({ _id: key }, { $set: { routing: report, routedAt: new Date() } }).exec();
  await finishOutbox(key);
  return report;
}

/**
 * The one entry point for events (API, webhooks, audience scans). The outbox entry is written first, then the record:
 * the unique insert of the record decides, so of concurrent copies exactly one routes and every other answers
 * `duplicate: true`; the same id with another payload is an EventIdConflict. An audience event whose run ended early
 * enters again (routing/audience-reentry.ts). A crash or an outage at any point leaves the outbox entry for the
 * sweeper (routing/outbox-sweep.ts).
 */
export async function routeEvent(deps: RouterDeps, event: JourneyEvent): Promise<RoutingReport> {
  // An erased customer's events are neither kept nor routed until they come back with a fresh consent.
  if (await isErased(event.customerId)) return reportOf(event, []);
  const key = eventRecordKey(event);
  const ownsOutbox = await claimOutbox(key, event);
  try {
    await recordEvent(key, event);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return answerCopy(deps, key, event, ownsOutbox);
  }
  return routeRecorded(deps, key, event);
}

/** A copy of an event already recorded: a conflict, a duplicate, or (audience events) a re-entry. */
async function answerCopy(deps: RouterDeps, key: string, event: JourneyEvent, ownsOutbox: boolean) {
  const first = await EventRecord.findById(key).lean();
  if (first && first.payloadHash !== payloadHash(event)) {
    if (ownsOutbox) await finishOutbox(key);
    throw new EventIdConflict(event.id, eventSource(event), first.signal, first.receivedAt);
  }
  if (!first?.routedAt) {
    // Recorded by another copy still routing (or that crashed): its outbox entry gets it routed.
    return { ...reportOf(event, []), duplicate: true, queued: 'a copy of this event is being routed' };
  }
  // Only the copy that holds the outbox entry may enter again; a conditional update of the record decides.
  if (ownsOutbox && (await audienceRunsEndedEarly(deps, event, first))) {
    const reentering = await EventRecord.updateOne(
      { _id: key, routedAt: first.routedAt },
      { $unset: { routedAt: '' }, $inc: { reentries: 1 } },
    ).exec();
    if (reentering.modifiedCount === 1) return routeRecorded(deps, key, event);
  }
  if (ownsOutbox) await finishOutbox(key);
  return { ...(first.routing as RoutingReport), duplicate: true };
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
  return async (event) => {
    const timer = routingDuration.startTimer();
    try {
      const report = await routeEvent(deps, event);
      timer({ result: report.duplicate ? 'duplicate' : 'routed' });
      return report;
    } catch (error) {
      timer({ result: 'error' });
      throw error;
    }
  };
}
