import { Schema, model } from 'mongoose';

/**
 * The tombstone of an erased customer (GDPR art. 17): `_id` is the customer id. While it exists, events for that id
 * are dropped unrecorded and start nothing, and the profile cannot be re-created without a fresh consent (a PUT with
 * a granted channel), which removes it. It holds no personal data: the id and when.
 */
const erasureSchema = new Schema(
  {
    _id: { type: String, required: true },
    erasedAt: { type: Date, required: true },
  },
  { timestamps: false },
);

export type ErasureDocument = { _id: string; erasedAt: Date };

export const Erasure = model('Erasure', erasureSchema);
