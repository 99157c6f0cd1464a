import { Profile } from '../models/profile';
import type { ProfileView } from '../sdk/contracts/journey-activities';
import { isoDate } from '../sdk/dates';

/** An optional instant as an ISO date-time string. */
const isoDateTime = (value: Date | null | undefined) => (value ? value.toISOString() : undefined);

/** The profile fields journeys may branch on, or null when the customer has no profile. */
export async function loadProfile({ customerId }: { customerId: string }): Promise<ProfileView | null> {
  const doc = await Profile.findById(customerId).lean();
  if (!doc) return null;
  const optional = <K extends string>(key: K, value: string | null | undefined) =>
    value === null || value === undefined ? {} : ({ [key]: value } as Record<K, string>);
  return {
    id: doc._id,
    ...optional('email', doc.email),
    ...optional('phone', doc.phone),
    ...optional('firstName', doc.firstName),
    ...optional('lastName', doc.lastName),
    ...optional('timeZone', doc.timeZone),
    ...optional('locale', doc.locale),
    attributes: (doc.attributes ?? {}) as Record<string, unknown>,
    policies: (doc.policies ?? []).map((p) => ({
      policyId: p.policyId,
      product: p.product,
      status: p.status ?? 'active',
      ...optional('renewalDate', isoDateTime(p.renewalDate)),
    })),
    dependents: (doc.dependents ?? []).map((d) => ({
      dependentId: d.dependentId,
      ...optional('firstName', d.firstName),
      birthDate: isoDate(d.birthDate),
      ...optional('policyId', d.policyId),
      ...optional('customerId', d.customerId),
      covered: d.covered ?? false,
    })),
  };
}
