import { Schema, model } from 'mongoose';

/**
 * The latest goal or exit event routed for a (journey, customer, key), kept for the journey's memory window whether a
 * run was open or not, so a trigger that arrives late (an order before the cart update that should have started the
 * run) starts nothing. `_id` is `journey|customerId|key`: every read is one lookup by the unique key.
 */
const rememberedEndSchema = new Schema(
  {
    _id: { type: String, required: true },
    journey: { type: String, required: true },
    customerId: { type: String, required: true },
    key: { type: String, required: true },
    outcome: { type: String, enum: ['converted', 'exited', 'lost'], required: true },
    reason: { type: String, required: true },
    signal: { type: String, required: true },
    eventId: { type: String, required: true },
    /** When the goal or exit happened at its source. */
    occurredAt: { type: Date, required: true },
    /** When Waymark heard of it (cooldowns count from here, as from a run's close). */
    rememberedAt: { type: Date, required: true },
    /** Forgotten after this (checked on read; real MongoDB also purges it with the TTL index). */
    rememberedUntil: { type: Date, required: true },
    /** The goal or exit event, as routed. */
    event: { type: Schema.Types.Mixed, required: true },
  },
  { minimize: false },
);

rememberedEndSchema.index({ rememberedUntil: 1 }, { expireAfterSeconds: 0 });

export const RememberedEnd = model('RememberedEnd', rememberedEndSchema, 'remembered_ends');

export function rememberedEndId(journey: string, customerId: string, key: string): string {
  return `${journey}|${customerId}|${key}`;
}
