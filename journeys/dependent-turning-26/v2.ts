import { dependentCovered, dependentRemoved, dependentTurning26 } from '../../signals';
import { addDays, defineJourney, exitOn, isoDate, startOfIsoDate } from '../../sdk';

// Each version keeps its own constants (see abandoned-cart/v2.ts).
/** The individual-policy offer stays open this long after the 26th birthday. */
export const OFFER_DAYS_AFTER_BIRTHDAY = 60;
/** The policyholder's SMS reminder goes out this many days before the birthday. */
export const REMINDER_DAYS_BEFORE = 7;
/** A reminder that could not go out within this many days of its date is skipped (missed), never sent stale. */
export const REMINDER_GRACE_DAYS = 1;

/**
 * v2: the birthday comes from the newest `dependent.turning-26` event, so a corrected birth date (re-sent by the
 * daily audience scan) re-aims the reminder and the end of the offer. v1 aimed both once, from the first event.
 */
export const dependentTurning26V2 = defineJourney({
  name: 'dependent-turning-26',
  version: 2,
  priority: 90, // arbitration: a dependent about to lose cover outranks everything else
  description:
    'A dependent on a health policy nears 26 and will lose cover: a time-limited offer of an individual policy, to ' +
    'the policyholder and, where they have a profile and consent, to the dependent. A corrected birth date re-aims ' +
    'the reminder and the offer end. The dependent getting covered ends it as converted; leaving the policy ends it.',
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
  eligibility: (turning) => ({ 'dependents.dependentId': turning.data.dependentId, 'dependents.covered': false }),

  async run(j, turning) {
    const { dependentId, dependentCustomerId } = turning.data;
    const birthday = () => startOfIsoDate((j.latest(dependentTurning26) ?? turning).data.turns26On);
    const offerEnds = () => addDays(birthday(), OFFER_DAYS_AFTER_BIRTHDAY);
    const holder = await j.profile();
    const dependent = holder?.dependents.find((d) => d.dependentId === dependentId);
    if (dependent?.covered) j.exit('dependent already covered');
    const copy = j.split('offer-copy', { plain: 1, deadline: 1 });
    const offer = () => ({
      dependentId,
      dependentName: turning.data.firstName ?? dependent?.firstName ?? 'your dependent',
      holderName: holder?.firstName ?? '',
      turns26On: isoDate(birthday()),
      offerEnds: isoDate(offerEnds()),
      copy,
    });

    // Missed dates skip their sends (`skipped` in the ledger and the state); no new workflow commands (see renewal).
    j.step('offer');
    await j.email('dependent-offer', offer(), { topic: 'offers', skipIfMissed: offerEnds });
    if (dependentCustomerId) {
      await j.email('dependent-offer-direct', offer(), {
        topic: 'offers',
        recipient: dependentCustomerId,
        skipIfMissed: offerEnds,
      });
    }

    j.step('wait-for-reminder');
    const reminderDate = () => addDays(birthday(), -REMINDER_DAYS_BEFORE);
    await j.sleepUntil(reminderDate);

    j.step('reminder');
    await j.sms('dependent-offer-reminder', offer(), {
      topic: 'offers',
      skipIfMissed: () => addDays(reminderDate(), REMINDER_GRACE_DAYS),
    });

    j.step('offer-open');
    await j.sleepUntil(offerEnds);
  },
});
