import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * One identify that tied an anonymous visitor to a known customer: who asked, when, what was merged from where.
 * Written before the profiles change (`started`, with everything needed to finish) and marked `done` after, so an
 * identify that died half-way is finished by the next one. Kept for good: the profile export lists them.
 */
const mergeSchema = new Schema(
  {
    /** `<from>><into>` (or `link:<anonymousId>><into>` when no anonymous profile existed): one record per merge. */
    _id: { type: String, required: true },
    /** The anonymous profile merged away (absent: the anonymous id was only attached). */
    from: { type: String },
    /** The known customer it now belongs to. */
    into: { type: String, required: true },
    anonymousId: { type: String, required: true },
    matchedBy: { type: String, enum: ['customerId', 'email', 'phone', 'created'], required: true },
    /** Who asked: the caller's own label and the API key's fingerprint. */
    by: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
    state: { type: String, enum: ['started', 'done'], required: true },
    /** The anonymous profile as it was before the merge (fields, consent, traits, score, segments). */
    fromProfile: { type: Schema.Types.Mixed },
    /** What the merge wrote on the known profile, per the rules of docs/identity.md. */
    applied: { type: Schema.Types.Mixed },
  },
  { minimize: false },
);

mergeSchema.index({ into: 1, at: 1 });
mergeSchema.index({ from: 1 }, { sparse: true });
mergeSchema.index({ anonymousId: 1 });

export type MergeDocument = InferSchemaType<typeof mergeSchema> & { _id: string };

export const MergeRecord = model('Merge', mergeSchema);
