import { journeyCatalog } from '../journeys';
import { Delivery } from '../models/delivery';
import type { DeliveryChannel } from '../sdk/contracts/journey-activities';
import { durationToMs } from '../sdk/durations';

/** A journey that declares no priority. */
export const DEFAULT_PRIORITY = 0;

/** The priority a journey version declares (`defineJourney({ priority })`); unknown journeys get the default. */
export function journeyPriority(
  journey: string,
  version: number | undefined,
  catalog: typeof journeyCatalog = journeyCatalog,
): number {
  const versions = catalog.filter((w) => w.journey.name === journey);
  const exact = versions.find((w) => w.journey.version === version);
  const newest = versions.reduce<(typeof versions)[number] | undefined>(
    (best, w) => (!best || w.journey.version > best.journey.version ? w : best),
    undefined,
  );
  return (exact ?? newest)?.journey.priority ?? DEFAULT_PRIORITY;
}

/** ARBITRATION_WINDOW → milliseconds; empty or zero = no arbitration. Throws naming the setting on a bad value. */
export function parseArbitrationWindow(spec: string): number | undefined {
  if (spec.trim() === '') return undefined;
  try {
    const ms = durationToMs(spec);
    return ms > 0 ? ms : undefined;
  } catch (error) {
    throw new Error(`ARBITRATION_WINDOW: ${(error as Error).message}`);
  }
}

export interface ArbitrationInput {
  customerId: string;
  channel: DeliveryChannel;
  journey: string;
  priority: number;
  at: Date;
  windowMs: number;
}

/** Why a send yields, and until when its channel belongs to the journey that outranks it. */
export interface Yield {
  reason: string;
  until: Date;
}

/**
 * Whether a journey of higher priority holds the customer's channel: it reached them (sent, or sending now) within
 * the window before `at`, or is deferred to speak within the window after it (quiet hours end for both alike). The
 * ledger is the record, so this holds across workers and restarts. Two sends racing within one provider call's time
 * may both go out: the higher priority always speaks; the lower one yields whenever the other is on record first.
 */
export async function findHigherPriority(input: ArbitrationInput): Promise<Yield | undefined> {
  const { at, windowMs } = input;
  const since = new Date(at.getTime() - windowMs);
  const soon = new Date(at.getTime() + windowMs);
  const rivals = await Delivery.find({
    customerId: input.customerId,
    channel: input.channel,
    journey: { $ne: input.journey },
    priority: { $gt: input.priority },
    $or: [
      { state: { $in: ['sent', 'sending'] }, at: { $gt: since } },
      { state: 'deferred', until: { $gt: since, $lt: soon } },
    ],
  })
    .select({ journey: 1, priority: 1, state: 1, at: 1, until: 1 })
    .lean()
    .exec();
  if (rivals.length === 0) return undefined;
  const speaksAt = (r: (typeof rivals)[number]) => (r.state === 'deferred' ? r.until! : r.at!).getTime();
  const last = rivals.reduce((a, b) => (speaksAt(b) > speaksAt(a) ? b : a));
  const until = new Date(Math.max(speaksAt(last) + windowMs, at.getTime() + 1));
  return {
    // No time in the reason: it stays one of a few values to count by (a deferral's end is the ledger's `until`).
    reason: `arbitration: ${input.channel} yields to ${last.journey} (priority ${last.priority})`,
    until,
  };
}
