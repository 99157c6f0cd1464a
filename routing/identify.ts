import { randomUUID } from 'node:crypto';
import { MergeRecord } from '../models/merge';
import { isDuplicateKey } from '../models/mongo-errors';
import { Profile } from '../models/profile';
import type { RoutedRun } from '../sdk/contracts/routing';
import { identityResolved } from '../signals/identity-resolved';
import { inCustomerLane } from './customer-lanes';
import { refreshCustomer, routeEvent, type RouterDeps } from './event-router';
import { mergedProfileFields, type MergeableProfile, type StatedIdentity } from './merge-rules';
import { customerModel } from './segment-upkeep';
import type { MembershipChange } from './segment-rules';

export interface IdentifyRequest extends StatedIdentity {
  /** The visitor's anonymous id (the site's cookie or device id). */
  anonymousId: string;
  /** The known customer: by id, or found by email or phone. */
  customerId?: string;
  /** Who asked: the caller's label (e.g. `web-login`), the API key's fingerprint, the request id. */
  by: Record<string, string>;
}

export type MatchedBy = 'customerId' | 'email' | 'phone' | 'created';

export interface IdentifyResult {
  customerId: string;
  matchedBy: MatchedBy;
  /** The anonymous profile merged into the customer, and the merge record. */
  merged?: { from: string; mergeId: string };
  /** The anonymous id was already the customer's: nothing changed. */
  alreadyIdentified: boolean;
  /** The visitor's open runs told to go on for the customer. */
  runs: RoutedRun[];
  segments: MembershipChange[];
}

/** The identify cannot be done without taking an identity away from another profile: a 409 naming both. */
export class IdentityConflict extends Error {
  override readonly name = 'IdentityConflict';
  constructor(
    message: string,
    readonly profiles: [string, string],
    readonly field: 'customerId' | 'email' | 'phone' | 'anonymousId',
  ) {
    super(message);
  }
}

type ProfileDoc = MergeableProfile & { anonymous?: boolean | null; mergedInto?: string | null };

const distinct = (docs: Array<ProfileDoc | null>) => [
  ...new Map(docs.filter((d): d is ProfileDoc => d !== null).map((d) => [d._id, d])).values(),
];

/** The known customer the request names, or undefined (then one is created); throws on names that disagree. */
async function findKnownCustomer(request: IdentifyRequest): Promise<{ known?: ProfileDoc; matchedBy?: MatchedBy }> {
  const [byId, byEmail, byPhone] = await Promise.all([
    request.customerId ? Profile.findById(request.customerId).lean<ProfileDoc>() : null,
    request.email ? Profile.findOne({ email: request.email.toLowerCase() }).lean<ProfileDoc>() : null,
    request.phone ? Profile.findOne({ phone: request.phone }).lean<ProfileDoc>() : null,
  ]);
  const named: Array<[MatchedBy, ProfileDoc | null]> = [
    ['customerId', byId],
    ['email', byEmail],
    ['phone', byPhone],
  ];
  const first = named.find(([, doc]) => doc !== null);
  if (request.customerId && !byId && first) {
    const [field, doc] = first as [Exclude<MatchedBy, 'created' | 'customerId'>, ProfileDoc];
    throw new IdentityConflict(
      `the ${field} ${request[field]} belongs to profile ${doc._id}, not to customer ${request.customerId}`,
      [request.customerId, doc._id],
      field,
    );
  }
  const profiles = distinct([byId, byEmail, byPhone]);
  if (profiles.length > 1) {
    const [field, doc] = named.find(([, d]) => d !== null && d._id !== first![1]!._id) as [
      Exclude<MatchedBy, 'created'>,
      ProfileDoc,
    ];
    throw new IdentityConflict(
      `the ${field} ${request[field]} belongs to profile ${doc._id}, the request also names profile ${first![1]!._id}`,
      [first![1]!._id, doc._id],
      field,
    );
  }
  return first ? { known: first[1]!, matchedBy: first[0] } : {};
}

/** A profile for a customer no profile names yet: the id given, or a new one. */
async function createKnownCustomer(request: IdentifyRequest): Promise<ProfileDoc> {
  const doc = {
    _id: request.customerId ?? `cust:${randomUUID()}`,
    ...(request.email ? { email: request.email.toLowerCase() } : {}),
    ...(request.phone ? { phone: request.phone } : {}),
  };
  await Profile.create(doc);
  return doc;
}

/**
 * Ties an anonymous visitor to a known customer (POST /v1/identify), following docs/identity.md:
 * 1. the known customer is the profile the customer id, email or phone names (all must agree), else a new one;
 * 2. the profile holding the anonymous id, if any, must be anonymous (a known one is a conflict) and is merged into
 *    the customer: fields, consent, traits, score and behaviour by the rules of merge-rules.ts, its anonymous ids
 *    moved over, and it stays behind pointing at the customer;
 * 3. the merge is recorded (who, when, from what) before anything changes, so an identify that died half-way is
 *    finished by the next one; segments are evaluated afresh; the visitor's open runs get `identity.resolved` and go
 *    on for the customer under their own workflow ids.
 */
export async function identify(deps: RouterDeps, request: IdentifyRequest, now = new Date()): Promise<IdentifyResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await identifyOnce(deps, request, now);
    } catch (error) {
      // A concurrent identify created the same customer or took the same id a moment ago: look again.
      if (!isDuplicateKey(error) || attempt >= 3) throw error;
    }
  }
}

async function identifyOnce(deps: RouterDeps, request: IdentifyRequest, now: Date): Promise<IdentifyResult> {
  const found = await findKnownCustomer(request);
  const known = found.known ?? (await createKnownCustomer(request));
  const matchedBy = found.matchedBy ?? 'created';
  const holder = await Profile.findOne({ anonymousIds: request.anonymousId }).lean<ProfileDoc>();
  if (holder && holder._id !== known._id && !holder.anonymous) {
    throw new IdentityConflict(
      `the anonymous id ${request.anonymousId} belongs to customer ${holder._id}, not to ${known._id}`,
      [known._id, holder._id],
      'anonymousId',
    );
  }
  const unfinished = await MergeRecord.findOne({ anonymousId: request.anonymousId, into: known._id, state: 'started' })
    .lean<{ _id: string; from?: string }>()
    .exec();
  const visitorId = holder?.anonymous ? holder._id : unfinished?.from;
  if (!visitorId) {
    // No anonymous profile to merge: the id is attached (or was already), the stated fields applied.
    const alreadyIdentified = holder?._id === known._id;
    await inCustomerLane(known._id, () => applyToKnown(deps, known._id, undefined, request, now));
    if (!alreadyIdentified) await attachAnonymousId(known._id, request, matchedBy, now);
    const segments = await refreshCustomer(deps, known._id, { id: `identify:${now.getTime()}`, reason: 'identify' });
    return { customerId: known._id, matchedBy, alreadyIdentified, runs: [], segments };
  }

  const mergeId = `${visitorId}>${known._id}`;
  const record = await MergeRecord.findOneAndUpdate(
    { _id: mergeId },
    {
      $setOnInsert: {
        from: visitorId,
        into: known._id,
        anonymousId: request.anonymousId,
        matchedBy,
        by: request.by,
        at: now,
        state: 'started',
        fromProfile: holder,
      },
    },
    { upsert: true, new: true },
  ).lean<{ fromProfile: ProfileDoc; state: string; applied?: unknown }>();
  const visitor = record!.fromProfile;
  const applied = await inCustomerLane(known._id, () => applyToKnown(deps, known._id, visitor, request, now));
  await Profile.updateOne(
    { _id: visitor._id },
    { $set: { mergedInto: known._id }, $unset: { anonymousIds: '', segments: '', segmentsRecheckAt: '' } },
  );
  const anonymousIds = [...new Set([...(visitor.anonymousIds ?? []), request.anonymousId])];
  await Profile.updateOne({ _id: known._id }, { $addToSet: { anonymousIds: { $each: anonymousIds } } });
  await MergeRecord.updateOne({ _id: mergeId }, { $set: { state: 'done', ...(applied ? { applied } : {}) } });

  const segments = await refreshCustomer(deps, known._id, { id: `merge:${mergeId}`, reason: 'merge' });
  const report = await routeEvent(deps, {
    id: `identity:${mergeId}`,
    signal: identityResolved.name,
    version: identityResolved.version,
    customerId: known._id,
    occurredAt: now.toISOString(),
    data: { previousCustomerId: visitor._id, anonymousId: request.anonymousId, matchedBy, mergeId },
  });
  return {
    customerId: known._id,
    matchedBy,
    merged: { from: visitor._id, mergeId },
    alreadyIdentified: false,
    runs: report.runs,
    segments,
  };
}

/**
 * Writes the merged fields on the known profile (once per visitor: `mergedIds` says it is done) and the stated ones.
 * Returns what was written.
 */
async function applyToKnown(
  deps: RouterDeps,
  knownId: string,
  visitor: ProfileDoc | undefined,
  request: IdentifyRequest,
  now: Date,
): Promise<Record<string, unknown> | undefined> {
  const known = await Profile.findById(knownId).lean<ProfileDoc>();
  if (!known) throw new Error(`profile ${knownId} disappeared during identify`);
  const alreadyMerged = visitor !== undefined && (known.mergedIds ?? []).includes(visitor._id);
  const set = mergedProfileFields(
    known,
    alreadyMerged ? undefined : visitor,
    request,
    (deps.customers ?? customerModel()).scoreModel,
    now,
  );
  const mergedIds = visitor && !alreadyMerged ? [visitor._id, ...(visitor.mergedIds ?? [])] : [];
  if (Object.keys(set).length === 0 && mergedIds.length === 0) return undefined;
  await Profile.updateOne(
    { _id: knownId },
    {
      ...(Object.keys(set).length ? { $set: set } : {}),
      ...(mergedIds.length ? { $addToSet: { mergedIds: { $each: mergedIds } } } : {}),
    },
  );
  return set;
}

/** An anonymous id no profile held yet becomes the customer's; recorded like a merge (with nothing merged). */
async function attachAnonymousId(knownId: string, request: IdentifyRequest, matchedBy: MatchedBy, now: Date) {
  await Profile.updateOne({ _id: knownId }, { $addToSet: { anonymousIds: request.anonymousId } });
  await MergeRecord.updateOne(
    { _id: `link:${request.anonymousId}>${knownId}` },
    {
      $setOnInsert: {
        into: knownId,
        anonymousId: request.anonymousId,
        matchedBy,
        by: request.by,
        at: now,
        state: 'done',
      },
    },
    { upsert: true },
  );
}
