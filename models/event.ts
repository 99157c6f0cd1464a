import { Schema, model } from 'mongoose';

/**
 * The event log and the dedupe. `_id` is the event's record key (routing/event-identity.ts: source, customer and the
 * sender's id), so a repeated event hits the unique `_id` index: the insert decides, under any concurrency, without
 * transactions (FerretDB and mongo-java-server have none). `payloadHash` tells a resend from a different event reusing
 * the id. `routedAt` unset means routing has not finished; the outbox (models/outbox.ts) holds it until it has.
 */
const eventSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The sender's event id. */
    eventId: { type: String, required: true },
    source: { type: String, required: true },
    signal: { type: String, required: true },
    version: { type: Number, required: true },
    customerId: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    payloadHash: { type: String, required: true },
    routing: { type: Schema.Types.Mixed },
    routedAt: { type: Date },
    /** Times an audience event re-entered a journey whose run for it had ended early (see routing/reentry.ts). */
    reentries: { type: Number },
  },
  { timestamps: { createdAt: 'receivedAt', updatedAt: false }, minimize: false },
);

eventSchema.index({ customerId: 1, receivedAt: -1 });

export const EventRecord = model('Event', eventSchema);
