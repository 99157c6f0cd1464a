import { findLiveProfile } from '../models/profile';
import type { ProfileView } from '../sdk/contracts/journey-activities';
import { isoDate } from '../sdk/dates';

/** An optional instant as an ISO date-time string. */
const isoDateTime = (value: Date | null | undefined) => (value ? value.toISOString() : undefined);

/**
 * The profile fields journeys may branch on, or null when the customer has no profile. A merged anonymous profile
 * answers with the customer it was merged into.
 */
export async function loadProfile({ customerId }: { customerId: string }): Promise<ProfileView | null> {
  const doc = await findLiveProfile(customerId);
  if (!doc) return null;
  const optional = <K extends string>(key: K, value: string | null | undefined) =>
    value === null || value === undefined ? {} : ({ [key]: value } as Record<K, string>);
  const score = (doc.score as { value?: number } | null | undefined)?.value;
  return {
    id: doc._id,
    anonymous: doc.anonymous === true,
    segments: (doc.segments ?? []).map((s) => s.name),
    ...(typeof score === 'number' ? { score } : {}),
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
