import { Schema, model } from 'mongoose';

/**
 * Events recorded and not yet routed (the transactional-outbox pattern without transactions). An entry is written
 * before the event record and deleted once routing finished, so a crash or a Temporal outage at any point leaves it
 * here, and the sweeper (routing/outbox-sweep.ts) routes it. The collection holds only events in flight: the sweep
 * reads a handful of documents, never the event log.
 */
const outboxSchema = new Schema(
  {
    /** The event's record key (routing/event-identity.ts), as in the event log. */
    _id: { type: String, required: true },
    /** The event as the router takes it. */
    event: { type: Schema.Types.Mixed, required: true },
    /** Whoever routes it holds it until then; the sweeper takes entries whose lease has run out. */
    leaseUntil: { type: Date, required: true },
    /** Routing attempts that failed (the sweeper backs off by it). */
    failures: { type: Number, default: 0 },
    lastError: { type: String },
    /** The customer upkeep (segments, score) the failed attempt did: a retry reuses it. */
    upkeep: { type: Schema.Types.Mixed },
  },
  { timestamps: { createdAt: 'recordedAt', updatedAt: false }, minimize: false },
);

outboxSchema.index({ leaseUntil: 1 });

export const OutboxEntry = model('OutboxEntry', outboxSchema, 'outbox');
