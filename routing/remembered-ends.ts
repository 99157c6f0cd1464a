import type { JourneyEvent } from '../signals/define-signal';
import { isDuplicateKey } from '../models/mongo-errors';
import { RememberedEnd, rememberedEndId } from '../models/remembered-end';
import { durationToMs } from '../sdk/durations';
import type { Duration, EntryRules } from '../sdk/journey-types';
import type { JourneyEnding } from './journey-routes';

/** How long a goal or exit is remembered when the journey does not say (`entry.rememberEndsFor`). */
export const DEFAULT_END_MEMORY: Duration = '30 days';

export interface RememberedEndView {
  outcome: string;
  reason: string;
  signal: string;
  eventId: string;
  occurredAt: Date;
  rememberedAt: Date;
  /** The goal or exit event itself, to hand to a run that started while it was being routed. */
  event: JourneyEvent;
}

/**
 * Remembers that `event` ends the journey's run for (customer, key), open or not. Written before the event is
 * signalled to any run: a trigger routed at the same time either finds it here or started its run before the signal
 * (see `lateEndFor`). The newest end by `occurredAt` is kept; clocks come from `Date.now()`, like the cooldowns.
 */
export async function rememberEnd(ending: JourneyEnding, event: JourneyEvent): Promise<void> {
  const id = rememberedEndId(ending.journey.name, event.customerId, ending.key);
  const now = Date.now();
  const occurredAt = new Date(event.occurredAt);
  const memory = durationToMs(ending.journey.entry?.rememberEndsFor ?? DEFAULT_END_MEMORY);
  const fields = {
    journey: ending.journey.name,
    customerId: event.customerId,
    key: ending.key,
    outcome: ending.outcome,
    reason: ending.reason,
    signal: event.signal,
    eventId: event.id,
    occurredAt,
    rememberedAt: new Date(now),
    rememberedUntil: new Date(now + memory),
    event,
  };
  for (let attempt = 1; ; attempt++) {
    const older = {
      _id: id,
      $or: [{ occurredAt: { $lte: occurredAt } }, { rememberedUntil: { $lte: new Date(now) } }],
    };
    if ((await RememberedEnd.updateOne(older, { $set: fields }).exec()).matchedCount > 0) return;
    try {
      await RememberedEnd.create({ _id: id, ...fields });
      return;
    } catch (error) {
      // A newer end is remembered (nothing to do), or another router created it just now (try the update again).
      if (!isDuplicateKey(error) || attempt >= 3) throw error;
    }
  }
}

/** The end remembered for (journey, customer, key), if still within its window. */
export async function rememberedEndOf(
  journey: string,
  customerId: string,
  key: string,
): Promise<RememberedEndView | undefined> {
  const doc = await RememberedEnd.findById(rememberedEndId(journey, customerId, key)).lean<
    RememberedEndView & {
      rememberedUntil: Date;
    }
  >();
  return doc && doc.rememberedUntil.getTime() > Date.now() ? doc : undefined;
}

/**
 * Why a remembered end refuses a trigger, or undefined when it lets it in: a trigger that happened before the end is
 * stale; after it, the entry rules apply as if a run had closed when the end was heard of.
 */
export function refusalByEnd(
  end: RememberedEndView,
  trigger: Pick<JourneyEvent, 'occurredAt'>,
  entry: EntryRules | undefined,
): string | undefined {
  const ended = `${end.outcome} by ${end.signal} (event ${end.eventId}) at ${end.occurredAt.toISOString()}`;
  if (Date.parse(trigger.occurredAt) <= end.occurredAt.getTime()) return `${ended}, after this trigger happened`;
  const reentry = entry?.reentry ?? 'always';
  if (reentry === 'never') return `${ended} (re-entry: never)`;
  if (typeof reentry === 'object') {
    const until = end.rememberedAt.getTime() + durationToMs(reentry.cooldown);
    if (until > Date.now()) return `${ended}; in cooldown until ${new Date(until).toISOString()}`;
  }
  return undefined;
}
