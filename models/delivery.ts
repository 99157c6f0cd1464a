import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Ledger states. Final: sent, blocked, capped, failed, skipped (a missed date), unknown (a retry returns them as
 * recorded). Not final:
 * `sending` (an attempt is talking to the provider right now, or died doing so), `retrying` (the provider refused
 * with a transient error: nothing went out, the next attempt may send), `deferred` (quiet hours, a cap, a provider
 * outage: the workflow sleeps and asks again with the same step id).
 * `unknown`: the request reached the provider and no definite answer came back (a timeout, a reset after DATA, a
 * Twilio 5xx, a worker killed mid-call) and nothing settled it: it may have gone out, so it is never sent again. A
 * Twilio status callback still settles it as `sent`.
 */
export const DELIVERY_STATES = [
  'sending',
  'retrying',
  'deferred',
  'sent',
  'blocked',
  'capped',
  'failed',
  'skipped',
  'unknown',
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
export const FINAL_DELIVERY_STATES: readonly DeliveryState[] = [
  'sent',
  'blocked',
  'capped',
  'failed',
  'skipped',
  'unknown',
];

/** Entries written before `unknown` was a state of its own: `failed` with this reason mean the same. */
export const OUTCOME_UNKNOWN = 'outcome unknown';

const deliverySchema = new Schema(
  {
    /** `${workflowId}|${entryId}|${stepId}` (see deliveryId): the unique key that makes a retried send a no-op. */
    _id: { type: String, required: true },
    workflowId: { type: String, required: true },
    /** The run's entry (first run id of its chain); a re-entry under the same workflow id has a new one. */
    entryId: { type: String },
    stepId: { type: String, required: true },
    customerId: { type: String, required: true },
    journey: { type: String, required: true },
    journeyVersion: { type: Number },
    channel: { type: String, enum: ['email', 'sms', 'web'], required: true },
    template: { type: String, required: true },
    topic: { type: String },
    /** The journey's arbitration priority when the entry was written (delivery/arbitration.ts). */
    priority: { type: Number },
    state: { type: String, enum: DELIVERY_STATES, required: true },
    reason: { type: String },
    /** How many times the entry was deferred (quiet hours, caps, arbitration), whatever it became later. */
    deferrals: { type: Number },
    /** Deferred until (quiet hours / cap window). */
    until: { type: Date },
    /** The attempt's own time (the time quiet hours and caps were judged at) for the current state. */
    at: { type: Date },
    /** This machine's clock when the last attempt claimed the send: where a lookup of a lost answer starts. */
    claimedAt: { type: Date },
    /** Attempts that reached the provider (a claim of the `sending` state). */
    attempts: { type: Number, default: 0 },
    to: { type: String },
    provider: { type: String, enum: ['smtp', 'twilio', 'web'] },
    /** SMTP Message-ID, Twilio message SID or web message id. */
    providerMessageId: { type: String },
    /** After `sent`: what the provider reported later (Twilio status callbacks: delivered, undelivered, ...). */
    providerStatus: { type: String },
    providerErrorCode: { type: String },
    providerStatusAt: { type: Date },
  },
  { timestamps: true, minimize: false },
);

deliverySchema.index({ providerMessageId: 1 }, { sparse: true });
deliverySchema.index({ customerId: 1, createdAt: -1 });

export type DeliveryDocument = InferSchemaType<typeof deliverySchema> & { _id: string };

export const Delivery = model('Delivery', deliverySchema);

/**
 * The ledger id of one send: scoped to the run's entry, so retries, replays and continue-as-new of one run find the
 * same entry and a re-entry under the same workflow id starts fresh. The web message of the send has this id too.
 */
export function deliveryId(workflowId: string, stepId: string, entryId?: string): string {
  return entryId === undefined ? `${workflowId}|${stepId}` : `${workflowId}|${entryId}|${stepId}`;
}
