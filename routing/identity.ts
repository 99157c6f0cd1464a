import { createHash } from 'node:crypto';
import { Profile } from '../models/profile';
import { isDuplicateKey } from '../models/mongo-errors';
import type { IdentityField } from '../signals/define-signal';
import { ANONYMOUS_CUSTOMER_PREFIX } from '../sdk/customer-id';

/** The identity fields an event may carry. */
export type Identity = Partial<Record<IdentityField, string>>;

/** Profile filters that find a customer by each identity field but the id itself (all index-served). */
const lookups: Record<Exclude<IdentityField, 'customerId'>, (value: string) => Record<string, unknown>> = {
  email: (email) => ({ email: email.toLowerCase() }),
  phone: (phone) => ({ phone }),
  anonymousId: (anonymousId) => ({ anonymousIds: anonymousId }),
};

export type Resolution = { customerId: string; created?: true } | { lookedFor: Record<string, unknown> };

/**
 * An anonymous visitor's customer id: `anon:` and a digest of the anonymous id (any string the site uses fits the
 * id alphabet that way, and the same visitor always gets the same id, in every process).
 */
export function anonymousCustomerId(anonymousId: string): string {
  return ANONYMOUS_CUSTOMER_PREFIX + createHash('sha256').update(anonymousId).digest('base64url').slice(0, 22);
}

/**
 * The customer an event names: by the first of `accepted` (the signal's identity fields, in order of preference)
 * that the event carries and a profile matches. An id is taken as it is; anything else is looked up. When nothing
 * matches and the event carries an anonymous id, the visitor gets an anonymous profile (created once, whatever the
 * concurrency: its id is derived from the anonymous id).
 */
export async function resolveCustomer(identity: Identity, accepted: readonly IdentityField[]): Promise<Resolution> {
  const given = accepted.filter((f) => identity[f] !== undefined);
  if (given.length === 0) throw new TypeError(`the event carries none of ${accepted.join(', ')}`);
  if (given[0] === 'customerId') return { customerId: identity.customerId! };
  let firstLookup: Record<string, unknown> | undefined;
  for (const field of given) {
    if (field === 'customerId') continue;
    const filter = lookups[field](identity[field]!);
    firstLookup ??= filter;
    const profile = await Profile.findOne(filter, { _id: 1 }).lean<{ _id: string }>();
    if (profile) return { customerId: profile._id };
  }
  if (identity.anonymousId !== undefined && accepted.includes('anonymousId')) {
    return { customerId: await createAnonymousProfile(identity.anonymousId), created: true };
  }
  return { lookedFor: firstLookup! };
}

/** Creates the anonymous profile of a visitor (or finds the one a concurrent request just created); its id. */
export async function createAnonymousProfile(anonymousId: string): Promise<string> {
  const id = anonymousCustomerId(anonymousId);
  try {
    await Profile.create({ _id: id, anonymous: true, anonymousIds: [anonymousId] });
    return id;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  // Taken: by our own id (a concurrent create: fine), or the anonymous id now belongs to a profile (a concurrent
  // identify, or a merge that left this visitor's profile behind): the profile that holds it is the customer.
  const holder = await Profile.findOne({ anonymousIds: anonymousId }, { _id: 1 }).lean<{ _id: string }>();
  if (holder) return holder._id;
  const own = await Profile.findById(id, { _id: 1, mergedInto: 1 }).lean<{ _id: string; mergedInto?: string }>();
  if (own) return own.mergedInto ?? own._id;
  throw new Error(`could not create or find the anonymous profile of visitor ${anonymousId}`);
}
