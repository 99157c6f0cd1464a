// Every path of dependent-turning-26 on the testing kit (testing/): the time-skipping server, the real worker with
// its activities and send path, providers that send nothing.
import { Profile } from '../../models/profile';
import { dependentTurning26V1, dependentTurning26V2 } from '../../journeys';
import { OFFER_DAYS_AFTER_BIRTHDAY, REMINDER_DAYS_BEFORE } from '../../journeys/dependent-turning-26/v1';
import { dependentCovered, dependentRemoved, dependentTurning26 } from '../../signals';
import { journeyStateQuery } from '../../sdk/queries';
import { assignArm } from '../../sdk/split';
import { useJourneyTestKit } from '../../testing';
import { uniqueId } from '../support/events';
import { DAY_MS } from '../../sdk/durations';

// No quiet hours: whether a send waits for the morning must not depend on the hour the tests run at (quiet hours
// are tested in test/testing and test/delivery).
const kit = useJourneyTestKit({ config: { QUIET_HOURS: '' } });

/** A policyholder with a dependent turning 26 `inDays` days from the test server's now. */
async function family(inDays: number, options: { covered?: boolean; ownProfile?: boolean; sibling?: boolean } = {}) {
  const customerId = uniqueId('holder');
  const dependentId = uniqueId('dep');
  const policyId = uniqueId('health');
  const turns26On = new Date((await kit().env.currentTimeMs()) + inDays * DAY_MS).toISOString().slice(0, 10);
  const birthDate = `${Number(turns26On.slice(0, 4)) - 26}${turns26On.slice(4)}`;
  let dependentCustomerId: string | undefined;
  if (options.ownProfile) {
    dependentCustomerId = uniqueId('young');
    await Profile.create({ _id: dependentCustomerId, email: `${dependentCustomerId}@example.com` });
  }
  await Profile.create({
    _id: customerId,
    email: `${customerId}@example.com`,
    firstName: 'Maria',
    policies: [{ policyId, product: 'health', status: 'active' }],
    dependents: [
      ...(options.sibling === false
        ? []
        : [{ dependentId: uniqueId('sibling'), birthDate: '2015-05-01', policyId, covered: false }]),
      {
        dependentId,
        firstName: 'Leo',
        birthDate,
        policyId,
        covered: options.covered ?? false,
        customerId: dependentCustomerId,
      },
    ],
  });
  const data = { policyId, dependentId, birthDate, turns26On, ...(dependentCustomerId ? { dependentCustomerId } : {}) };
  return {
    customerId,
    dependentId,
    policyId,
    turns26On,
    dependentCustomerId,
    event: kit().event(dependentTurning26, customerId, data),
  };
}

test('offer to the policyholder and the dependent, SMS reminder before the birthday, completed when the offer ends', async () => {
  const f = await family(30, { ownProfile: true });
  const handle = await kit().start(dependentTurning26V1, f.event);

  const result = await handle.result();

  expect(result.outcome).toBe('completed');
  const sends = kit().deliveries(handle.workflowId);
  expect(sends.map((s) => [s.stepId, s.customerId])).toEqual([
    ['email:dependent-offer', f.customerId],
    ['email:dependent-offer-direct', f.dependentCustomerId],
    ['sms:dependent-offer-reminder', f.customerId],
  ]);
  const birthday = Date.parse(`${f.turns26On}T00:00:00Z`);
  expect(sends[0].data).toMatchObject({
    dependentName: 'Leo',
    holderName: 'Maria',
    turns26On: f.turns26On,
    offerEnds: new Date(birthday + OFFER_DAYS_AFTER_BIRTHDAY * DAY_MS).toISOString().slice(0, 10),
  });
  expect(Date.parse(sends[2].at)).toBeGreaterThanOrEqual(birthday - REMINDER_DAYS_BEFORE * DAY_MS);
  const ended = Date.parse((await handle.query(journeyStateQuery)).steps.at(-1)!.at);
  expect(ended).toBeGreaterThanOrEqual(birthday + OFFER_DAYS_AFTER_BIRTHDAY * DAY_MS);
});

test('without a profile of their own, only the policyholder is written to', async () => {
  const f = await family(30);
  const handle = await kit().start(dependentTurning26V1, f.event);
  await kit().env.sleep('1 day');
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.customerId),
  ).toEqual([f.customerId]);
  await handle.terminate('test done');
});

test('the dependent getting covered ends the run as converted', async () => {
  const f = await family(30);
  const handle = await kit().start(dependentTurning26V1, f.event);
  await kit().env.sleep('3 days');
  await kit().signal(
    handle,
    kit().event(dependentCovered, f.customerId, { dependentId: f.dependentId, policyId: 'own-1' }),
  );

  expect(await handle.result()).toMatchObject({ outcome: 'converted', reason: 'goal: dependent.covered' });
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.template),
  ).toEqual(['dependent-offer']);
});

test('the dependent removed from the policy ends the run', async () => {
  const f = await family(30);
  const handle = await kit().start(dependentTurning26V1, f.event);
  await kit().env.sleep('25 days');
  await kit().signal(
    handle,
    kit().event(dependentRemoved, f.customerId, { dependentId: f.dependentId, policyId: f.policyId }),
  );

  expect(await handle.result()).toMatchObject({ outcome: 'exited', reason: 'dependent removed from the policy' });
});

test('a dependent already covered is ineligible, named by the failing condition', async () => {
  const f = await family(30, { covered: true, sibling: false });
  const handle = await kit().start(dependentTurning26V1, f.event);
  expect(await handle.result()).toMatchObject({ outcome: 'ineligible', reason: 'not eligible: dependents.covered' });
  expect(kit().deliveries(handle.workflowId)).toHaveLength(0);
});

test('a dependent not on the profile is ineligible', async () => {
  const f = await family(30);
  const handle = await kit().start(dependentTurning26V1, {
    ...f.event,
    data: { ...f.event.data, dependentId: 'unknown-dependent' },
  });
  expect(await handle.result()).toMatchObject({
    outcome: 'ineligible',
    reason: 'not eligible: dependents.dependentId',
  });
});

test('a covered dependent beside an uncovered sibling passes the filter; the run checks that dependent and exits', async () => {
  const f = await family(30, { covered: true });
  const handle = await kit().start(dependentTurning26V1, f.event);
  expect(await handle.result()).toMatchObject({ outcome: 'exited', reason: 'dependent already covered' });
  expect(kit().deliveries(handle.workflowId)).toHaveLength(0);
});

test('the offer-copy split arm is recorded and is the deterministic arm of the workflow id', async () => {
  const f = await family(30);
  const handle = await kit().start(dependentTurning26V1, f.event);
  await kit().env.sleep('1 hour');

  const expected = assignArm(handle.workflowId, 'offer-copy', { plain: 1, deadline: 1 });
  const state = await handle.query(journeyStateQuery);
  expect(state.splits).toEqual({ 'offer-copy': expected });
  expect(kit().deliveries(handle.workflowId)[0].data.copy).toBe(expected);
  await handle.terminate('test done');

  // The same customer and dependent entering again (same workflow id) land in the same arm.
  const again = await kit().start(dependentTurning26V1, { ...f.event, id: uniqueId('evt') });
  await kit().env.sleep('1 hour');
  expect((await again.query(journeyStateQuery)).splits).toEqual({ 'offer-copy': expected });
  await again.terminate('test done');
});

test('v2: a corrected birth date re-aims the reminder and the offer end (v1 ignored it)', async () => {
  const f = await family(30);
  const handle = await kit().start(dependentTurning26V2, f.event);
  await kit().env.sleep('2 days');
  const corrected = new Date(Date.parse(`${f.turns26On}T00:00:00Z`) + 20 * DAY_MS).toISOString().slice(0, 10);
  await kit().signal(handle, kit().event(dependentTurning26, f.customerId, { ...f.event.data, turns26On: corrected }));
  await kit().env.sleep('1 hour');
  const birthday = Date.parse(`${corrected}T00:00:00Z`);
  const state = await handle.query(journeyStateQuery);
  expect(Date.parse(state.wakesAt!)).toBe(birthday - REMINDER_DAYS_BEFORE * DAY_MS);

  await kit().env.sleep('30 days'); // past the original reminder date, before the corrected one
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.channel),
  ).toEqual(['email']);

  expect((await handle.result()).outcome).toBe('completed');
  const [, reminder] = kit().deliveries(handle.workflowId);
  expect(reminder.data).toMatchObject({ turns26On: corrected });
  expect(Date.parse(reminder.at)).toBeGreaterThanOrEqual(birthday - REMINDER_DAYS_BEFORE * DAY_MS);
  const ended = Date.parse((await handle.query(journeyStateQuery)).steps.at(-1)!.at);
  expect(ended).toBeGreaterThanOrEqual(birthday + OFFER_DAYS_AFTER_BIRTHDAY * DAY_MS);
});
