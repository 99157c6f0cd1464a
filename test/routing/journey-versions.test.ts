// Evolving a journey while runs are open: abandoned-cart v1 runs started before v2 existed finish on v1, new entries
// start v2, and an event for an open v1 run (signal-with-start on the same id) keeps it on v1.
// Time-skipping server; events go through the real router (routing/), eligibility runs against FerretDB.
import { Profile } from '../../models/profile';
import { abandonedCartV1, abandonedCartV3 } from '../../journeys';
import { cartUpdated, orderCompleted } from '../../signals';
import { useJourneyTestKit } from '../../testing';
import { uniqueId } from '../support/events';

// No quiet hours: whether a send waits for the morning must not depend on the hour the tests run at.
const kit = useJourneyTestKit({ config: { QUIET_HOURS: '' } });

async function shopper() {
  const customerId = uniqueId('shopper');
  await Profile.create({
    _id: customerId,
    email: `${customerId}@example.com`,
    phone: `+1555${Math.floor(Math.random() * 1e7)}`,
    consent: { email: { status: 'granted' }, sms: { status: 'granted' }, web: { status: 'granted' } },
  });
  return customerId;
}

function cart(cartId: string, total: number) {
  return {
    cartId,
    items: [{ sku: 'sku-1', name: 'Boots', qty: 1, price: total }],
    total,
    currency: 'EUR',
    url: `https://shop.example/cart/${cartId}`,
  };
}

test('a v1 run started before v2 finishes on v1; new entries start the newest version (v3); an event for the open v1 run keeps it on v1', async () => {
  // Before the change: the router started the newest version then, v1 (what startJourney does with the v1 type).
  const oldCustomer = await shopper();
  const oldRun = await kit().start(abandonedCartV1, kit().event(cartUpdated, oldCustomer, cart('cart-old', 40)));
  const { runId: oldRunId } = await oldRun.describe();

  // After the change, through the router: a new cart enters the newest version ...
  const newCustomer = await shopper();
  const entry = await kit().send(kit().event(cartUpdated, newCustomer, cart('cart-new', 55)));
  expect(entry.runs).toEqual([expect.objectContaining({ journey: 'abandoned-cart', action: 'entered' })]);
  const newRun = kit().env.client.workflow.getHandle(entry.runs[0].workflowId);
  expect((await newRun.describe()).type).toBe(abandonedCartV3.workflowType);

  // ... and the old cart changing again is signal-with-started onto the open v1 run, which stays v1.
  const update = await kit().send(kit().event(cartUpdated, oldCustomer, cart('cart-old', 65)));
  expect(update.runs[0]).toMatchObject({ workflowId: oldRun.workflowId, action: 'entered' });
  const oldDescription = await oldRun.describe();
  expect([oldDescription.type, oldDescription.runId]).toEqual([abandonedCartV1.workflowType, oldRunId]);

  // One result at a time: concurrent waits confuse the test server's time-skipping lock.
  const oldResult = await oldRun.result();
  const newResult = await newRun.result();
  expect(oldResult.outcome).toBe('completed');
  expect(newResult.outcome).toBe('completed');
  // v1's path: email then SMS. v2's path: email, the in-app nudge, then SMS.
  expect(
    kit()
      .deliveries(oldRun.workflowId)
      .map((d) => [d.stepId, d.journeyVersion]),
  ).toEqual([
    ['email:cart-reminder', 1],
    ['sms:cart-last-call', 1],
  ]);
  expect(
    kit()
      .deliveries(newRun.workflowId)
      .map((d) => [d.stepId, d.journeyVersion]),
  ).toEqual([
    ['email:cart-reminder', 3],
    ['web:cart-web-nudge', 3],
    ['sms:cart-last-call', 3],
  ]);
  expect(kit().deliveries(oldRun.workflowId)[1].data).toMatchObject({ cart: { total: 65 } });
});

test('an order during v2 after the in-app nudge converts it without the SMS', async () => {
  const customerId = await shopper();
  const entry = await kit().send(kit().event(cartUpdated, customerId, cart('cart-conv', 20)));
  const run = kit().env.client.workflow.getHandle(entry.runs[0].workflowId);
  for (;;) {
    if (
      kit()
        .deliveries(run.workflowId)
        .some((d) => d.channel === 'web')
    )
      break;
    await kit().env.sleep('1 hour');
  }
  await kit().send(
    kit().event(orderCompleted, customerId, { orderId: uniqueId('order'), cartId: 'cart-conv', total: 20 }),
  );
  expect(await run.result()).toMatchObject({ outcome: 'converted' });
  expect(
    kit()
      .deliveries(run.workflowId)
      .map((d) => d.channel),
  ).toEqual(['email', 'web']);
});
