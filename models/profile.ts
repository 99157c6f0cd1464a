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

const segmentMembershipSchema = new Schema(
  {
    name: { type: String, required: true },
    version: { type: Number, required: true },
    since: { type: Date, required: true },
  },
  { _id: false },
);

const profileSchema = new Schema(
  {
    _id: { type: String, required: true },
    email: { type: String, lowercase: true, trim: true },
    phone: { type: String, trim: true },
    /**
     * The visitor ids of the site or app this customer was seen under; unique across profiles. Absent rather than
     * empty when there are none (the sparse unique index skips absent fields; see anonymousIdIndex).
     */
    anonymousIds: { type: [String], default: undefined },
    /** An anonymous visitor's profile (`anon:` id, no email or phone): merged into a known one on identify. */
    anonymous: { type: Boolean },
    /** Set when this profile was merged into another: everything now lives there (a record that stays). */
    mergedInto: { type: String },
    /** The profiles merged into this one: their runs still carry their ids (routing follows them here). */
    mergedIds: { type: [String], default: undefined },
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
    /** Segments the customer is in now, kept by routing/segment-upkeep.ts: `{ name, version, since }`. */
    segments: { type: [segmentMembershipSchema], default: undefined },
    /** The engagement score (segments/score-model.ts), kept as events arrive: value, parts, what moved it. */
    score: { type: Schema.Types.Mixed },
    /** Behaviour windows of segments: per condition, the times of its latest matching events. */
    behaviour: { type: Schema.Types.Mixed },
    /** When a behaviour window next lapses (a segment may be left without any event): the recheck sweep's index. */
    segmentsRecheckAt: { type: Date },
    /** Bumped by every segment/score upkeep write: concurrent upkeeps of one profile retry instead of losing one. */
    upkeepRev: { type: Number },
  },
  { timestamps: true, minimize: false },
);

// Identity resolution and audience scans must be index-served.
profileSchema.index({ email: 1 }, { unique: true, sparse: true });
profileSchema.index({ phone: 1 }, { unique: true, sparse: true });
// Unique per element: an anonymous id names one profile. Sparse and never an empty array: MongoDB indexes an empty
// array as one key (so two would collide), and mongo-java-server cannot update a document whose indexed array is empty.
profileSchema.index({ anonymousIds: 1 }, { unique: true, sparse: true });
profileSchema.index({ 'segments.name': 1 });
profileSchema.index({ segmentsRecheckAt: 1 }, { sparse: true });
// The date audiences' indexes (policies.renewalDate, dependents.birthDate, ...) come from the journey catalog: the
// worker creates them at start (worker/audience-indexes.ts).

export type ProfileDocument = InferSchemaType<typeof profileSchema> & { _id: string };

export const Profile = model('Profile', profileSchema);

/** How many merge pointers a lookup follows before giving up (a chain longer than this is a bug). */
const MAX_MERGE_HOPS = 5;

/**
 * The profile that now holds a customer's data: the profile itself, or the one it was merged into (followed along the
 * merge pointers), as a lean document; null when there is none. One read unless the customer was merged.
 */
export async function findLiveProfile<T = ProfileDocument>(customerId: string): Promise<(T & { _id: string }) | null> {
  let id = customerId;
  for (let hop = 0; hop <= MAX_MERGE_HOPS; hop++) {
    const doc = await Profile.findById(id).lean<T & { _id: string; mergedInto?: string | null }>();
    if (!doc?.mergedInto) return doc;
    id = doc.mergedInto;
  }
  throw new Error(`profile ${customerId}: merge pointers loop or chain beyond ${MAX_MERGE_HOPS} hops`);
}
