import { policyRenewalDue } from '../../signals';
import { audienceMatch, defineAudience, inWindow, isoDate, type AudienceProfile } from '../../sdk';

/** The profile fields this audience reads (its projection). */
export interface RenewalProfile extends AudienceProfile {
  policies?: Array<{ policyId: string; status?: string | null; renewalDate?: Date | null }>;
}

/**
 * Renewals are offered 30 days ahead (the journey reminds 7 days before). The daily scan re-finds each policy until
 * its date passes; the deterministic workflow and event ids make every repeat a no-op.
 */
export const renewalWindowAudience = defineAudience<RenewalProfile>({
  name: 'renewal-window',
  description: 'Active policies whose renewal date falls within the window; emits policy.renewal-due per policy.',
  signal: policyRenewalDue.name,
  dateField: 'policies.renewalDate',
  projection: ['policies'],
  windowDays: 30,
  hourUtc: 6,
  filter: (window) => ({ 'policies.renewalDate': { $gte: window.start, $lt: window.end } }),
  matchesOf(profile, window) {
    return (profile.policies ?? [])
      .filter((p) => (p.status ?? 'active') === 'active' && inWindow(p.renewalDate, window))
      .map((p) => {
        const renewalDate = p.renewalDate as Date;
        const data = policyRenewalDue.schema.parse({ policyId: p.policyId, renewalDate: renewalDate.toISOString() });
        const match = { customerId: profile._id, key: p.policyId, date: isoDate(renewalDate), data };
        return audienceMatch('renewal-window', policyRenewalDue, match, window);
      });
  },
});
