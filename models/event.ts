import { Schema, model } from 'mongoose';

/**
 * The event log and the dedupe: `_id` is the sender's event id, so a repeated event hits the unique `_id` index
 * (no transactions needed; FerretDB has none). `routedAt` unset means routing did not finish: a retry routes again,
 * which is safe because runs drop events they already hold (by event id).
 */
const eventSchema = new Schema(
  {
    _id: { type: String, required: true },
    signal: { type: String, required: true },
    version: { type: Number, required: true },
    customerId: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    routing: { type: Schema.Types.Mixed },
    routedAt: { type: Date },
  },
  { timestamps: { createdAt: 'receivedAt', updatedAt: false }, minimize: false },
);

eventSchema.index({ customerId: 1, receivedAt: -1 });

export const EventRecord = model('Event', eventSchema);
