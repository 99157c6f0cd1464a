import { Schema, model } from 'mongoose';

/** A winner an operator promoted: runs that start after `promotedAt` get `arm` (runs in flight keep theirs). */
const experimentPromotionSchema = new Schema(
  {
    /** The experiment's name. */
    _id: { type: String, required: true },
    arm: { type: String, required: true },
    promotedAt: { type: Date, required: true },
    /** Who or what promoted it (api, cli), for the record. */
    source: { type: String },
  },
  { timestamps: true },
);

export const ExperimentPromotion = model('ExperimentPromotion', experimentPromotionSchema);
