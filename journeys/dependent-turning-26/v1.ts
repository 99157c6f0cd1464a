import { dependentCovered, dependentRemoved, dependentTurning26 } from '../../signals';
import { defineJourney, exitOn } from '../../workflows/sdk';

const DAY_MS = 86_400_000;
/** The individual-policy offer stays open this long after the 26th birthday. */
export const OFFER_DAYS_AFTER_BIRTHDAY = 60;
/** The policyholder's SMS reminder goes out this many days before the birthday. */
export const REMINDER_DAYS_BEFORE = 7;

export const dependentTurning26V1 = defineJourney({
  name: 'dependent-turning-26',
  version: 1,
  description:
    'A dependent on a health policy nears 26 and will lose cover: a time-limited offer of an individual policy, to ' +
    'the policyholder and, where they have a profile and consent, to the dependent. The dependent getting covered ' +
    'ends it as converted; the dependent leaving the policy ends it.',
  reason: 'a dependent on your policy turns 26 soon',
  trigger: { signal: dependentTurning26, key: (d) => d.dependentId },
  goal: { signal: dependentCovered, key: (covered) => covered.dependentId },
  exits: [
    exitOn(dependentRemoved, {
      key: (removed) => removed.dependentId,
      reason: 'dependent removed from the policy',
    }),
  ],
  entry: { reentry: 'never' },
  // Dotted paths run on every store (FerretDB has no $elemMatch on element fields); the run checks the exact dependent.
  eligibility: (turning) => ({ 'dependents.dependentId': turning.data.dependentId, 'dependents.covered': false }),

  async run(j, turning) {
    const { dependentId, dependentCustomerId, turns26On } = turning.data;
    const birthday = new Date(`${turns26On}T00:00:00Z`);
    const offerEnds = new Date(birthday.getTime() + OFFER_DAYS_AFTER_BIRTHDAY * DAY_MS);
    const holder = await j.profile();
    const dependent = holder?.dependents.find((d) => d.dependentId === dependentId);
    if (dependent?.covered) j.exit('dependent already covered');
    const dependentName = turning.data.firstName ?? dependent?.firstName;
    // Experiment: does a deadline in the subject line convert better than plain copy?
    const copy = j.split('offer-copy', { plain: 1, deadline: 1 });
    const offer = {
      dependentId,
      dependentName: dependentName ?? 'your dependent',
      holderName: holder?.firstName ?? '',
      turns26On,
      offerEnds: offerEnds.toISOString().slice(0, 10),
      copy,
    };

    j.step('offer');
    await j.email('dependent-offer', offer, { topic: 'offers' });
    if (dependentCustomerId) {
      await j.email('dependent-offer-direct', offer, { topic: 'offers', recipient: dependentCustomerId });
    }

    j.step('wait-for-reminder');
    await j.sleepUntil(new Date(birthday.getTime() - REMINDER_DAYS_BEFORE * DAY_MS));

    j.step('reminder');
    await j.sms('dependent-offer-reminder', offer, { topic: 'offers' });

    j.step('offer-open');
    await j.sleepUntil(offerEnds);
  },
});
