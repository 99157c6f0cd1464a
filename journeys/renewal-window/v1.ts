import { policyChanged, policyRenewalDue, policyRenewed } from '../../signals';
import { addDays, defineJourney, exitOn, isoDate, on } from '../../sdk';

/** The SMS reminder goes out this many days before the renewal date. */
export const REMINDER_DAYS_BEFORE = 7;
/** A reminder that could not go out within this many days of its date is skipped (missed), never sent stale. */
export const REMINDER_GRACE_DAYS = 1;

export const renewalWindowV1 = defineJourney({
  name: 'renewal-window',
  version: 1,
  priority: 80, // arbitration: keeping cover in force outranks marketing
  description:
    "A policy's renewal date approaches: a renewal offer by email and a web banner, an SMS reminder a week before " +
    'the date. Renewing ends it as converted; a lapsed or cancelled policy, or the date passing, ends it as lost. ' +
    'A moved renewal date re-aims the reminder.',
  reason: 'your policy is due for renewal',
  trigger: { signal: policyRenewalDue, key: (due) => due.policyId },
  goal: { signal: policyRenewed, key: (renewed) => renewed.policyId },
  listensTo: [on(policyChanged, (change) => change.policyId)],
  exits: [
    exitOn(policyChanged, {
      key: (change) => change.policyId,
      when: (change) => change.status !== 'active',
      outcome: 'lost',
      reason: (change) => `policy ${change.status}`,
    }),
  ],
  entry: { reentry: 'always' },
  // Dotted paths run on every store (FerretDB has no $elemMatch on element fields); the run checks the exact policy.
  eligibility: (due) => ({ 'policies.policyId': due.data.policyId, 'policies.status': 'active' }),

  async run(j, due) {
    const { policyId } = due.data;
    /** The newest renewal date heard of: from the scan's repeated renewal-due events or a policy change. */
    const renewalDate = (): Date => {
      const dated = [...j.received(policyRenewalDue), ...j.received(policyChanged)]
        .filter((e) => e.data.renewalDate !== undefined)
        .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
      return new Date(dated[dated.length - 1].data.renewalDate as string);
    };
    const details = () => ({ policyId, renewalDate: isoDate(renewalDate()) });

    const policy = (await j.profile())?.policies.find((p) => p.policyId === policyId);
    if (policy?.status !== 'active') j.exit(`policy ${policy?.status ?? 'no longer on the profile'}`, 'lost');

    // Missed dates (entered late, a date moved into the past) skip their sends: the send path records `skipped` with
    // the reason. No new workflow commands, so runs in flight take this up and their histories still replay.
    j.step('offer');
    await j.email('renewal-offer', details(), { topic: 'renewals', skipIfMissed: renewalDate });
    await j.web('renewal-banner', details(), { topic: 'renewals', skipIfMissed: renewalDate });

    j.step('wait-for-reminder');
    const reminderDate = () => addDays(renewalDate(), -REMINDER_DAYS_BEFORE);
    await j.sleepUntil(reminderDate);

    j.step('reminder');
    await j.sms('renewal-reminder', details(), {
      topic: 'renewals',
      skipIfMissed: () => addDays(reminderDate(), REMINDER_GRACE_DAYS),
    });

    j.step('wait-for-renewal-date');
    await j.sleepUntil(() => addDays(renewalDate(), 1));

    j.exit('renewal date passed without renewal', 'lost');
  },
});
