import { Profile } from '../models/profile';
import type { IdentityField } from '../signals/define-signal';

/** The identity fields an event may carry. */
export type Identity = Partial<Record<IdentityField, string>>;

/** Profile filters that find a customer by each identity field but the id itself (all index-served). */
const lookups: Record<Exclude<IdentityField, 'customerId'>, (value: string) => Record<string, unknown>> = {
  email: (email) => ({ email: email.toLowerCase() }),
  phone: (phone) => ({ phone }),
  anonymousId: (anonymousId) => ({ anonymousIds: anonymousId }),
};

export type Resolution = { customerId: string } | { lookedFor: Record<string, unknown> };

/**
 * The customer an event names: by the first of `accepted` (the signal's identity fields, in order of preference)
 * that the event carries. An id is taken as it is; anything else is looked up in the profiles.
 */
export async function resolveCustomer(identity: Identity, accepted: readonly IdentityField[]): Promise<Resolution> {
  const field = accepted.find((f) => identity[f] !== undefined);
  if (field === undefined) throw new TypeError(`the event carries none of ${accepted.join(', ')}`);
  const value = identity[field]!;
  if (field === 'customerId') return { customerId: value };
  const filter = lookups[field](value);
  const profile = await Profile.findOne(filter, { _id: 1 }).lean<{ _id: string }>();
  return profile ? { customerId: profile._id } : { lookedFor: filter };
}
