// SDK steps beyond the reference journeys, through a fixture journey (fixtures/sdk-journeys.ts) on the testing kit:
// the time-skipping server, the real worker, activities and send path, providers that send nothing.
import path from 'node:path';
import { Profile } from '../../models/profile';
import { cartUpdated, consentChanged, messageEngaged } from '../../signals';
import { journeyStateQuery } from '../../sdk/queries';
import { assignArm } from '../../sdk/split';
import { sdkProbeV1 } from './fixtures/sdk-journeys';
import { useJourneyTestKit } from '../../testing';
import { uniqueId } from '../support/events';

const kit = useJourneyTestKit({
  config: { QUIET_HOURS: '' },
  workflowsPath: path.resolve(__dirname, 'fixtures/sdk-journeys.ts'),
  catalog: [sdkProbeV1],
});

async function start(vip: boolean) {
  const customerId = uniqueId('probe');
  await Profile.create({ _id: customerId, attributes: vip ? { vip: true } : {} });
  const cart = { cartId: uniqueId('cart'), items: [], total: 0, currency: 'EUR', url: 'https://shop.example.com/c' };
  return { customerId, handle: await kit().start(sdkProbeV1, kit().event(cartUpdated, customerId, cart)) };
}

test('waitFor resolves with the first event that satisfies `where`; a failing re-check ends the run as ineligible', async () => {
  const { customerId, handle } = await start(false);
  await kit().env.sleep('10 minutes');
  await kit().signal(handle, kit().event(messageEngaged, customerId, { channel: 'web', action: 'seen' }));
  await kit().env.sleep('10 minutes');
  expect(await handle.query(journeyStateQuery)).toMatchObject({ step: 'wait-for-click' });
  await kit().signal(
    handle,
    kit().event(messageEngaged, customerId, { channel: 'email', action: 'clicked', url: '/x' }),
  );

  expect(await handle.result()).toMatchObject({ outcome: 'ineligible', reason: 'not eligible: attributes.vip' });
  const sends = kit().deliveries(handle.workflowId);
  expect(sends.map((s) => [s.template, s.data])).toEqual([['thanks', { url: '/x' }]]);
});

test('waitFor times out with undefined; the split arm is the deterministic one', async () => {
  const { handle } = await start(true);

  expect((await handle.result()).outcome).toBe('completed');
  const arm = assignArm(handle.workflowId, 'arm', { a: 1, b: 1, c: 1 });
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.template),
  ).toEqual(['nudge', `arm-${arm}`]);
  expect((await handle.query(journeyStateQuery)).splits).toEqual({ arm });
});

test('an exit route without an outcome ends the run as exited with its reason; other events do not', async () => {
  const { customerId, handle } = await start(true);
  await kit().signal(handle, kit().event(consentChanged, customerId, { channel: 'sms', status: 'granted' }));
  await kit().env.sleep('3 hours');
  expect(await handle.query(journeyStateQuery)).toMatchObject({ step: 'vip' });
  await kit().signal(handle, kit().event(consentChanged, customerId, { channel: 'sms', status: 'revoked' }));

  expect(await handle.result()).toMatchObject({ outcome: 'exited', reason: 'sms consent revoked' });
});

test('a run started without its trigger event exits, saying how runs start', async () => {
  const handle = await kit().env.client.workflow.start(sdkProbeV1.workflowType, {
    workflowId: `sdk-probe/${uniqueId('nobody')}/k`,
    taskQueue: kit().config.TEMPORAL_TASK_QUEUE,
    args: [{ customerId: 'nobody', key: 'k' }],
  });
  expect(await handle.result()).toMatchObject({
    outcome: 'exited',
    reason: expect.stringMatching(/signal-with-start/),
  });
});
