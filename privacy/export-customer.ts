import type { Client } from '@temporalio/client';
import { Delivery } from '../models/delivery';
import { Erasure } from '../models/erasure';
import { MergeRecord } from '../models/merge';
import { EventRecord } from '../models/event';
import { Profile } from '../models/profile';
import { WebMessage } from '../models/web-message';
import { customerRunsQuery } from '../routing/visibility-query';
import { WaymarkJourney, WaymarkJourneyVersion, WaymarkOutcome, WaymarkStep } from '../sdk/search-attributes';

/** The profile's engagement score with the events that moved it (segments/score-model.ts), or null. */
function scoreOf(profile: { score?: unknown } | null) {
  const score = profile?.score as { moves?: unknown[] } | undefined;
  return score ? { ...score, moves: score.moves ?? [] } : null;
}

/** Plain JSON: dates as ISO strings, Maps as objects, no mongoose internals. */
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * Everything Waymark holds about a customer (GDPR art. 15 and 20): the profile with each consent and where it came
 * from, the events received, the deliveries (ledger), the web messages, and the journey runs with their state.
 * Undefined when nothing is held at all.
 */
export async function exportCustomer(temporal: Client, customerId: string, now = new Date()) {
  const [profile, events, deliveries, webMessages, erasure, merges] = await Promise.all([
    Profile.findById(customerId).lean().exec(),
    EventRecord.find({ customerId }).sort({ receivedAt: 1 }).lean().exec(),
    Delivery.find({ customerId }).sort({ createdAt: 1 }).lean().exec(),
    WebMessage.find({ customerId }).sort({ createdAt: 1 }).lean().exec(),
    Erasure.findById(customerId).lean<{ erasedAt: Date }>().exec(),
    // Merges into this customer, and the one that took this profile if it was an anonymous visitor's.
    MergeRecord.find({ $or: [{ into: customerId }, { from: customerId }] })
      .sort({ at: 1 })
      .lean()
      .exec(),
  ]);
  const runs = [];
  for await (const run of temporal.workflow.list({ query: customerRunsQuery(customerId) })) {
    const attrs = run.typedSearchAttributes;
    runs.push({
      workflowId: run.workflowId,
      journey: attrs.get(WaymarkJourney),
      version: attrs.get(WaymarkJourneyVersion),
      status: run.status.name,
      step: attrs.get(WaymarkStep),
      outcome: attrs.get(WaymarkOutcome),
      startTime: run.startTime.toISOString(),
      ...(run.closeTime ? { closeTime: run.closeTime.toISOString() } : {}),
    });
  }
  if (
    !profile &&
    !events.length &&
    !deliveries.length &&
    !webMessages.length &&
    !runs.length &&
    !erasure &&
    !merges.length
  ) {
    return undefined;
  }
  const { _id, __v, ...profileFields } = (profile ?? {}) as Record<string, unknown>;
  void _id;
  void __v;
  const consents = profile
    ? Object.entries(json(profile.consent ?? {})).map(([channel, c]) => ({ channel, ...(c as object) }))
    : [];
  return json({
    customerId,
    exportedAt: now,
    ...(erasure ? { erasedAt: erasure.erasedAt } : {}),
    profile: profile ? profileFields : null,
    consents,
    events: events.map(({ _id: id, __v: _v, ...e }) => ({ id, ...e })),
    deliveries: deliveries.map(({ _id: id, __v: _v, ...d }) => ({ id, ...d })),
    webMessages: webMessages.map(({ _id: id, __v: _v, ...m }) => ({ id, ...m })),
    runs,
    merges: merges.map(({ _id: id, ...m }) => ({ id, ...m })),
    // The score and its explanation: the latest events that moved it, each with its delta and the parts it added.
    score: scoreOf(profile),
  });
}
