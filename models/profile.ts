import { Schema, model, type InferSchemaType } from 'mongoose';

export const CONSENT_STATUSES = ['granted', 'revoked', 'unknown'] as const;

const channelConsentSchema = new Schema(
  {
    status: { type: String, enum: CONSENT_STATUSES, default: 'unknown' },
    /** Per-topic opt-outs: `{ offers: false }`. A topic not listed follows the channel status. */
    topics: { type: Map, of: Boolean, default: {} },
    updatedAt: { type: Date },
    /** Where the last change came from: api, unsubscribe-link, sms-keyword, ... */
    source: { type: String },
  },
  { _id: false },
);

const policySchema = new Schema(
  {
    policyId: { type: String, required: true },
    product: { type: String, required: true },
    status: { type: String, enum: ['active', 'lapsed', 'cancelled'], default: 'active' },
    renewalDate: { type: Date },
  },
  { _id: false },
);

const dependentSchema = new Schema(
  {
    dependentId: { type: String, required: true },
    firstName: { type: String },
    birthDate: { type: Date, required: true },
    policyId: { type: String },
    /** The dependent's own profile, when they have one (for their own consent and address). */
    customerId: { type: String },
    covered: { type: Boolean, default: false },
  },
  { _id: false },
);

const profileSchema = new Schema(
  {
    _id: { type: String, required: true },
    email: { type: String, lowercase: true, trim: true },
    phone: { type: String, trim: true },
    anonymousIds: { type: [String], default: [] },
    firstName: { type: String },
    lastName: { type: String },
    timeZone: { type: String },
    locale: { type: String },
    consent: {
      email: { type: channelConsentSchema, default: () => ({}) },
      sms: { type: channelConsentSchema, default: () => ({}) },
      web: { type: channelConsentSchema, default: () => ({}) },
    },
    /** Free-form profile data journeys branch on (plan, segment, lifetime value, ...). */
    attributes: { type: Schema.Types.Mixed, default: {} },
    policies: { type: [policySchema], default: [] },
    dependents: { type: [dependentSchema], default: [] },
  },
  { timestamps: true, minimize: false },
);

// Identity resolution and audience scans must be index-served.
profileSchema.index({ email: 1 }, { unique: true, sparse: true });
profileSchema.index({ phone: 1 }, { unique: true, sparse: true });
profileSchema.index({ anonymousIds: 1 });
profileSchema.index({ 'policies.renewalDate': 1 });
profileSchema.index({ 'dependents.birthDate': 1 });

export type ProfileDocument = InferSchemaType<typeof profileSchema> & { _id: string };

export const Profile = model('Profile', profileSchema);
