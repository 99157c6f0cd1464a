// Every path of renewal-window v1 on the testing kit (testing/): the time-skipping server, the real worker with its
// activities and send path, providers that send nothing.
import { Profile } from '../../models/profile';
import { renewalWindowV1 } from '../../journeys';
import { REMINDER_DAYS_BEFORE } from '../../journeys/renewal-window/v1';
import { policyChanged, policyRenewalDue, policyRenewed } from '../../signals';
import { journeyStateQuery } from '../../sdk/queries';
import { useJourneyTestKit } from '../../testing';
import { uniqueId } from '../support/events';
import { DAY_MS } from '../../sdk/durations';

// No quiet hours: whether a send waits for the morning must not depend on the hour the tests run at (quiet hours
// are tested in test/testing and test/delivery).
const kit = useJourneyTestKit({ config: { QUIET_HOURS: '' } });

/** A policyholder whose policy renews `inDays` after the test server's current time. */
async function policyholder(inDays: number, status: 'active' | 'lapsed' = 'active', otherActivePolicy = true) {
  const customerId = uniqueId('holder');
  const policyId = uniqueId('pol');
  const renewalDate = new Date((await kit().env.currentTimeMs()) + inDays * DAY_MS).toISOString();
  await Profile.create({
    _id: customerId,
    email: `${customerId}@example.com`,
    policies: [
      ...(otherActivePolicy ? [{ policyId: uniqueId('other'), product: 'home', status: 'active' }] : []),
      { policyId, product: 'car', status, renewalDate },
    ],
  });
  return { customerId, policyId, renewalDate };
}

test('offer by email and web banner, SMS a week before the date, lost when the date passes unrenewed', async () => {
  const { customerId, policyId, renewalDate } = await policyholder(30);
  const handle = await kit().start(
    renewalWindowV1,
    kit().event(policyRenewalDue, customerId, { policyId, renewalDate }),
  );

  const result = await handle.result();

  expect(result).toMatchObject({ outcome: 'lost', reason: 'renewal date passed without renewal' });
  const sends = kit().deliveries(handle.workflowId);
  expect(sends.map((s) => [s.stepId, s.topic])).toEqual([
    ['email:renewal-offer', 'renewals'],
    ['web:renewal-banner', 'renewals'],
    ['sms:renewal-reminder', 'renewals'],
  ]);
  expect(sends[0].data).toEqual({ policyId, renewalDate: renewalDate.slice(0, 10) });
  const reminderDue = Date.parse(renewalDate) - REMINDER_DAYS_BEFORE * DAY_MS;
  expect(Date.parse(sends[2].at)).toBeGreaterThanOrEqual(reminderDue);
  expect(Date.parse(sends[2].at)).toBeLessThan(reminderDue + DAY_MS);
});

test('renewing during the wait ends the run as converted, without the SMS', async () => {
  const { customerId, policyId, renewalDate } = await policyholder(30);
  const handle = await kit().start(
    renewalWindowV1,
    kit().event(policyRenewalDue, customerId, { policyId, renewalDate }),
  );
  await kit().env.sleep('5 days');
  expect(await handle.query(journeyStateQuery)).toMatchObject({ step: 'wait-for-reminder' });

  await kit().signal(handle, kit().event(policyRenewed, customerId, { policyId, renewalDate: '2030-01-01' }));

  expect(await handle.result()).toMatchObject({ outcome: 'converted', reason: 'goal: policy.renewed' });
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.channel),
  ).toEqual(['email', 'web']);
});

test('a lapsed policy ends the run as lost from any step; an active change does not', async () => {
  const { customerId, policyId, renewalDate } = await policyholder(30);
  const handle = await kit().start(
    renewalWindowV1,
    kit().event(policyRenewalDue, customerId, { policyId, renewalDate }),
  );
  await kit().env.sleep('1 day');
  await kit().signal(handle, kit().event(policyChanged, customerId, { policyId, status: 'active' }));
  await kit().env.sleep('1 day');
  expect(await handle.query(journeyStateQuery)).toMatchObject({ step: 'wait-for-reminder' });

  await kit().signal(handle, kit().event(policyChanged, customerId, { policyId, status: 'lapsed' }));

  expect(await handle.result()).toMatchObject({ outcome: 'lost', reason: 'policy lapsed' });
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.channel),
  ).toEqual(['email', 'web']);
});

test('a moved renewal date re-aims the reminder timer', async () => {
  const { customerId, policyId, renewalDate } = await policyholder(30);
  const handle = await kit().start(
    renewalWindowV1,
    kit().event(policyRenewalDue, customerId, { policyId, renewalDate }),
  );
  await kit().env.sleep('2 days');
  const movedTo = new Date(Date.parse(renewalDate) + 20 * DAY_MS).toISOString();
  await kit().signal(
    handle,
    kit().event(policyChanged, customerId, { policyId, status: 'active', renewalDate: movedTo }),
  );
  await kit().env.sleep('1 hour');
  const state = await handle.query(journeyStateQuery);
  expect(Date.parse(state.wakesAt!)).toBe(Date.parse(movedTo) - REMINDER_DAYS_BEFORE * DAY_MS);

  await kit().env.sleep('30 days'); // past the original reminder date, before the moved one
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.channel),
  ).toEqual(['email', 'web']);

  const result = await handle.result();
  expect(result.outcome).toBe('lost');
  const reminder = kit().deliveries(handle.workflowId)[2];
  expect(reminder.data).toEqual({ policyId, renewalDate: movedTo.slice(0, 10) });
  expect(Date.parse(reminder.at)).toBeGreaterThanOrEqual(Date.parse(movedTo) - REMINDER_DAYS_BEFORE * DAY_MS);
});

test('a customer whose only policy is not active is ineligible, named by the failing condition', async () => {
  const { customerId, policyId, renewalDate } = await policyholder(30, 'lapsed', false);
  const handle = await kit().start(
    renewalWindowV1,
    kit().event(policyRenewalDue, customerId, { policyId, renewalDate }),
  );
  expect(await handle.result()).toMatchObject({ outcome: 'ineligible', reason: 'not eligible: policies.status' });
  expect(kit().deliveries(handle.workflowId)).toHaveLength(0);
});

test('a policy that is not on the profile is ineligible', async () => {
  const { customerId, renewalDate } = await policyholder(30);
  const handle = await kit().start(
    renewalWindowV1,
    kit().event(policyRenewalDue, customerId, { policyId: 'unknown-policy', renewalDate }),
  );
  expect(await handle.result()).toMatchObject({ outcome: 'ineligible', reason: 'not eligible: policies.policyId' });
});

test('a lapsed policy beside an active one passes the filter but the run checks that policy and ends as lost', async () => {
  const { customerId, policyId, renewalDate } = await policyholder(30, 'lapsed');
  const handle = await kit().start(
    renewalWindowV1,
    kit().event(policyRenewalDue, customerId, { policyId, renewalDate }),
  );
  expect(await handle.result()).toMatchObject({ outcome: 'lost', reason: 'policy lapsed' });
  expect(kit().deliveries(handle.workflowId)).toHaveLength(0);
});
