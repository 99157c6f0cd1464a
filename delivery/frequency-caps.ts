import { DateTime } from 'luxon';
import { FrequencySlot } from '../models/frequency-slot';
import type { DeliveryChannel } from '../sdk/contracts/journey-activities';
import { isDuplicateKey } from '../models/mongo-errors';
import { addDays } from '../sdk/dates';
import type { CapRule } from './frequency-cap-rules';

export interface CapWindow {
  /** e.g. `day:2026-11-23`, `week:2026-11-23` (the first local day of the window). */
  key: string;
  start: Date;
  end: Date;
}

/** The calendar day or ISO week (Monday first) containing `at`, in the customer's zone. */
export function capWindow(at: Date, zone: string, period: CapRule['period']): CapWindow {
  const start = DateTime.fromJSDate(at, { zone }).startOf(period);
  const end = start.plus(period === 'day' ? { days: 1 } : { weeks: 1 });
  return { key: `${period}:${start.toISODate()}`, start: start.toJSDate(), end: end.toJSDate() };
}

export type CapReservation = { reserved: true; slotId: string } | { reserved: false; window: CapWindow };

interface ReserveInput {
  customerId: string;
  channel: DeliveryChannel;
  journey: string;
  deliveryId: string;
  rule: CapRule;
  at: Date;
  zone: string;
}

/**
 * Takes a slot of the cap for this delivery, or says the window is full. Safe under concurrency without
 * transactions: each slot is a document whose _id is unique, so two sends racing for slot 0 get one success and
 * one E11000 (that one moves on to slot 1). Idempotent per delivery: a retried attempt finds the slot it took.
 */
export async function reserveCapSlot(input: ReserveInput): Promise<CapReservation> {
  const window = capWindow(input.at, input.zone, input.rule.period);
  const prefix = `cap:${input.customerId}:${input.channel}:${window.key}:`;
  const own = await FrequencySlot.findOne({ deliveryId: input.deliveryId, window: window.key, channel: input.channel })
    .lean()
    .exec();
  if (own) return { reserved: true, slotId: own._id };
  const expiresAt = addDays(window.end, 1);
  for (let slot = 0; slot < input.rule.limit; slot++) {
    try {
      await FrequencySlot.create({
        _id: `${prefix}${slot}`,
        customerId: input.customerId,
        channel: input.channel,
        window: window.key,
        slot,
        deliveryId: input.deliveryId,
        journey: input.journey,
        expiresAt,
      });
      return { reserved: true, slotId: `${prefix}${slot}` };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  return { reserved: false, window };
}

/** Gives a slot back when nothing went out (permanent provider failure), so the cap counts only real messages. */
export async function releaseCapSlot(deliveryId: string): Promise<void> {
  await FrequencySlot.deleteMany({ deliveryId }).exec();
}
