// Date-based entry meets moving dates: the daily scan re-finds a policy whose renewal date moved and re-emits
// policy.renewal-due with the new date (a new event id); the open run must re-aim its reminder, not start again.
// A cancelled policy ends the waiting run. Time-skipping server; eligibility against FerretDB (global setup).
import { Profile } from '../../models/profile';
import { renewalWindowAudience } from '../../journeys';
import { renewalWindowV1 } from '../../journeys';
import { REMINDER_DAYS_BEFORE } from '../../journeys/renewal-window/v1';
import { policyChanged } from '../../signals';
import type { JourneyEvent } from '../../signals';
import { journeyStateQuery } from '../../sdk/queries';
import type { JourneyState } from '../../sdk/journey-types';
import { useJourneyTestKit } from '../../testing';
import { uniqueId } from '../support/events';
import { DAY_MS } from '../../sdk/durations';

// No quiet hours: whether a send waits for the morning must not depend on the hour the tests run at (quiet hours
// are tested in test/testing and test/delivery).
const kit = useJourneyTestKit({ config: { QUIET_HOURS: '' } });

/** What the scan emits for this policy on the day `scanDay`, with the renewal date the profile has then. */
function scannedRenewalDue(customerId: string, policyId: string, renewalDate: Date, scanDay: Date): JourneyEvent {
  const window = { start: scanDay, end: new Date(scanDay.getTime() + 60 * DAY_MS) };
  const [match] = renewalWindowAudience.matchesOf(
    { _id: customerId, policies: [{ policyId, status: 'active', renewalDate }] },
    window,
  );
  return match.event;
}

async function waitingForReminder(workflowId: string): Promise<JourneyState> {
  const handle = kit().env.client.workflow.getHandle(workflowId);
  for (;;) {
    const state = await handle.query(journeyStateQuery);
    if (state.step === 'wait-for-reminder' && state.wakesAt) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function policyholder(renewalDate: Date) {
  const customerId = uniqueId('holder');
  const policyId = uniqueId('pol');
  await Profile.create({
    _id: customerId,
    email: `${customerId}@example.com`,
    policies: [{ policyId, product: 'car', status: 'active', renewalDate }],
  });
  return { customerId, policyId };
}

test("the next day's scan re-emits a moved renewal date: the open run re-aims its reminder, nothing restarts", async () => {
  const today = new Date(await kit().env.currentTimeMs());
  const renewal = new Date(today.getTime() + 30 * DAY_MS);
  const moved = new Date(today.getTime() + 45 * DAY_MS);
  const { customerId, policyId } = await policyholder(renewal);

  const first = scannedRenewalDue(customerId, policyId, renewal, today);
  const handle = await kit().start(renewalWindowV1, first);
  const before = await waitingForReminder(handle.workflowId);
  const { runId } = await handle.describe();
  expect(Date.parse(before.wakesAt!)).toBe(renewal.getTime() - REMINDER_DAYS_BEFORE * DAY_MS);

  const rescanned = scannedRenewalDue(customerId, policyId, moved, new Date(today.getTime() + DAY_MS));
  expect(rescanned.id).not.toBe(first.id);
  const again = await kit().start(renewalWindowV1, rescanned);
  expect(again.workflowId).toBe(handle.workflowId);
  for (;;) {
    const state = await handle.query(journeyStateQuery);
    if (state.wakesAt && Date.parse(state.wakesAt) !== Date.parse(before.wakesAt!)) {
      expect(Date.parse(state.wakesAt)).toBe(moved.getTime() - REMINDER_DAYS_BEFORE * DAY_MS);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  await handle.result();
  const sends = kit().deliveries(handle.workflowId);
  expect(sends.map((s) => s.stepId)).toEqual(['email:renewal-offer', 'web:renewal-banner', 'sms:renewal-reminder']);
  const reminderDue = moved.getTime() - REMINDER_DAYS_BEFORE * DAY_MS;
  expect(Date.parse(sends[2].at)).toBeGreaterThanOrEqual(reminderDue);
  expect(Date.parse(sends[2].at)).toBeLessThan(reminderDue + DAY_MS);
  expect(sends[2].data).toMatchObject({ renewalDate: moved.toISOString().slice(0, 10) });
  expect((await handle.describe()).runId).toBe(runId);
});

test('a cancelled policy ends the waiting run as lost before the reminder', async () => {
  const today = new Date(await kit().env.currentTimeMs());
  const { customerId, policyId } = await policyholder(new Date(today.getTime() + 30 * DAY_MS));
  const handle = await kit().start(
    renewalWindowV1,
    scannedRenewalDue(customerId, policyId, new Date(today.getTime() + 30 * DAY_MS), today),
  );
  await waitingForReminder(handle.workflowId);

  await kit().signal(handle, kit().event(policyChanged, customerId, { policyId, status: 'cancelled' }));

  expect(await handle.result()).toMatchObject({ outcome: 'lost', reason: 'policy cancelled' });
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.stepId),
  ).toEqual(['email:renewal-offer', 'web:renewal-banner']);
});
