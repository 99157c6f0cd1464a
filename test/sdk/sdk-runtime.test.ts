// SDK steps beyond the reference journeys, through a fixture journey (fixtures/sdk-journeys.ts) on the time-skipping
// server. Eligibility is the real activity against FerretDB; `deliver` is the recording implementation of the
// send-path contract (journey-test-env.ts).
import path from 'node:path';
import { Profile } from '../../models/profile';
import { cartUpdated, consentChanged, messageEngaged } from '../../signals';
import { journeyStateQuery } from '../../sdk/queries';
import { assignArm } from '../../sdk/split';
import { sdkProbeV1 } from './fixtures/sdk-journeys';
import {
  journeyEvent,
  sendEvent,
  startJourney,
  startJourneyTestEnv,
  uniqueId,
  type JourneyTestEnv,
} from '../support/journey-test-env';

let t: JourneyTestEnv;

beforeAll(async () => {
  t = await startJourneyTestEnv({ workflowsPath: path.resolve(__dirname, 'fixtures/sdk-journeys.ts') });
}, 120_000);
afterAll(async () => {
  await t?.teardown();
});

async function start(vip: boolean) {
  const customerId = uniqueId('probe');
  await Profile.create({ _id: customerId, attributes: vip ? { vip: true } : {} });
  const cart = { cartId: uniqueId('cart'), items: [], total: 0, currency: 'EUR', url: 'https://shop.example.com/c' };
  return { customerId, handle: await startJourney(t.env, sdkProbeV1, journeyEvent(cartUpdated, customerId, cart)) };
}

test('waitFor resolves with the first event that satisfies `where`; a failing re-check ends the run as ineligible', async () => {
  const { customerId, handle } = await start(false);
  await t.env.sleep('10 minutes');
  await sendEvent(handle, journeyEvent(messageEngaged, customerId, { channel: 'web', action: 'seen' }));
  await t.env.sleep('10 minutes');
  expect(await handle.query(journeyStateQuery)).toMatchObject({ step: 'wait-for-click' });
  await sendEvent(handle, journeyEvent(messageEngaged, customerId, { channel: 'email', action: 'clicked', url: '/x' }));

  expect(await handle.result()).toMatchObject({ outcome: 'ineligible', reason: 'not eligible: attributes.vip' });
  const sends = t.delivery.of(handle.workflowId);
  expect(sends.map((s) => [s.template, s.data])).toEqual([['thanks', { url: '/x' }]]);
});

test('waitFor times out with undefined; the split arm is the deterministic one', async () => {
  const { handle } = await start(true);

  expect((await handle.result()).outcome).toBe('completed');
  const arm = assignArm(handle.workflowId, 'arm', { a: 1, b: 1, c: 1 });
  expect(t.delivery.of(handle.workflowId).map((s) => s.template)).toEqual(['nudge', `arm-${arm}`]);
  expect((await handle.query(journeyStateQuery)).splits).toEqual({ arm });
});

test('an exit route without an outcome ends the run as exited with its reason; other events do not', async () => {
  const { customerId, handle } = await start(true);
  await sendEvent(handle, journeyEvent(consentChanged, customerId, { channel: 'sms', status: 'granted' }));
  await t.env.sleep('3 hours');
  expect(await handle.query(journeyStateQuery)).toMatchObject({ step: 'vip' });
  await sendEvent(handle, journeyEvent(consentChanged, customerId, { channel: 'sms', status: 'revoked' }));

  expect(await handle.result()).toMatchObject({ outcome: 'exited', reason: 'sms consent revoked' });
});

test('a run started without its trigger event exits, saying how runs start', async () => {
  const handle = await t.env.client.workflow.start(sdkProbeV1.workflowType, {
    workflowId: `sdk-probe/${uniqueId('nobody')}/k`,
    taskQueue: 'journey-tests',
    args: [{ customerId: 'nobody', key: 'k' }],
  });
  expect(await handle.result()).toMatchObject({
    outcome: 'exited',
    reason: expect.stringMatching(/signal-with-start/),
  });
});
