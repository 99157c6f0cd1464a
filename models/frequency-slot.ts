import { Schema, model } from 'mongoose';

/**
 * One unit of a frequency cap: `cap:<customer>:<channel>:<window>:<slot>` with slot 0..limit-1. A send takes the first
 * free slot by inserting it (the _id's unique index arbitrates races, no transaction needed: FerretDB has none);
 * E11000 means taken, try the next; all taken = over the cap.
 */
const frequencySlotSchema = new Schema(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    channel: { type: String, required: true },
    /** e.g. `day:2026-11-23` or `week:2026-11-23` (the window's first local day). */
    window: { type: String, required: true },
    slot: { type: Number, required: true },
    /** The delivery (ledger id) holding it: a retried attempt finds its own slot instead of taking another. */
    deliveryId: { type: String, required: true },
    journey: { type: String },
    /** When the slot may be forgotten (the window's end plus a day). */
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true },
);

frequencySlotSchema.index({ deliveryId: 1 });
// Old windows' slots are never read again (their _ids name the window). MongoDB deletes them by this TTL index;
// FerretDB and mongo-java-server ignore TTL, so the daily retention sweep (privacy/retention.ts) deletes them there.
frequencySlotSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export const FrequencySlot = model('FrequencySlot', frequencySlotSchema);
