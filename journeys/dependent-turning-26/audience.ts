import { dependentTurning26 } from '../../signals';
import { addDays, addYears, audienceMatch, defineAudience, inWindow, isoDate, type AudienceProfile } from '../../sdk';

/** The profile fields this audience reads (its projection). */
export interface DependentsProfile extends AudienceProfile {
  dependents?: Array<{
    dependentId: string;
    firstName?: string | null;
    birthDate: Date;
    policyId?: string | null;
    customerId?: string | null;
    covered?: boolean | null;
  }>;
}

const TURNING_AGE = 26;

/**
 * A dependent hears 60 days before losing cover at 26. The daily scan re-finds each dependent until the birthday
 * passes; the deterministic workflow and event ids make every repeat a no-op.
 */
export const dependentTurning26Audience = defineAudience<DependentsProfile>({
  name: 'dependent-turning-26',
  description:
    'Dependents not yet covered by a policy of their own whose 26th birthday falls within the window; ' +
    'emits dependent.turning-26 per dependent.',
  signal: dependentTurning26.name,
  dateField: 'dependents.birthDate',
  projection: ['dependents'],
  windowDays: 60,
  hourUtc: 6,
  // One day of slack at the start: a 29 February birthday turns 26 on 1 March; matchesOf applies the exact window.
  filter: (window) => ({
    'dependents.birthDate': {
      $gte: addDays(addYears(window.start, -TURNING_AGE), -1),
      $lt: addYears(window.end, -TURNING_AGE),
    },
  }),
  matchesOf(profile, window) {
    return (profile.dependents ?? [])
      .filter((d) => !d.covered && !!d.policyId && inWindow(addYears(d.birthDate, TURNING_AGE), window))
      .map((d) => {
        const turns26On = isoDate(addYears(d.birthDate, TURNING_AGE));
        const data = dependentTurning26.schema.parse({
          policyId: d.policyId,
          dependentId: d.dependentId,
          birthDate: isoDate(d.birthDate),
          turns26On,
          ...(d.firstName ? { firstName: d.firstName } : {}),
          ...(d.customerId ? { dependentCustomerId: d.customerId } : {}),
        });
        const match = { customerId: profile._id, key: d.dependentId, date: turns26On, data };
        return audienceMatch('dependent-turning-26', dependentTurning26, match, window);
      });
  },
});
