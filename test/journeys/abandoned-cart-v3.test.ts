// abandoned-cart v3 on the time-skipping test server: anonymous visitors' carts, the email once they identify (the
// same run, now the known customer's), and the known customer's path. Eligibility and profiles are the real
// activities against the store; `deliver` is the real send path
// with providers that send nothing (the testing kit, testing/).
import { Profile } from '../../models/profile';
import { abandonedCartV3 } from '../../journeys';
import { cartUpdated, identityResolved, orderCompleted } from '../../signals';
import { journeyStateQuery } from '../../sdk/queries';
import { WaymarkCustomerId } from '../../sdk/search-attributes';
import { HOUR_MS } from '../../sdk/durations';
import { anonymousCustomerId } from '../../routing/identity';
import { useJourneyTestKit } from '../../testing';
import { uniqueId } from '../support/events';

// No quiet hours: whether a send waits for the morning must not depend on the hour the tests run at (quiet hours
// are tested in test/testing and test/delivery).
const kit = useJourneyTestKit({ config: { QUIET_HOURS: '' } });
afterEach(() => kit().healProviders());

const cart = (cartId: string) => ({
  cartId,
  items: [{ sku: 'tent-2p', name: 'Two-person tent', qty: 1, price: 149 }],
  total: 149,
  currency: 'EUR',
  url: `https://shop.example.com/cart/${cartId}`,
});

async function visitor() {
  const anonymousId = uniqueId('visitor');
  const id = anonymousCustomerId(anonymousId);
  await Profile.create({ _id: id, anonymous: true, anonymousIds: [anonymousId] });
  return { anonymousId, id };
}

async function known() {
  const id = uniqueId('shopper');
  await Profile.create({ _id: id, email: `${id}@example.com`, consent: { email: { status: 'granted' } } });
  return id;
}

/** What the identify call does to the profiles and the run (routing/identify.ts). */
async function identify(handle: { workflowId: string }, visitorId: string, anonymousId: string, customerId: string) {
  await Profile.updateOne({ _id: visitorId }, { $set: { mergedInto: customerId }, $unset: { anonymousIds: '' } });
  const mergeId = `${visitorId}>${customerId}`;
  await kit().signal(
    kit().env.client.workflow.getHandle(handle.workflowId),
    kit().event(identityResolved, customerId, {
      previousCustomerId: visitorId,
      anonymousId,
      matchedBy: 'email',
      mergeId,
    }),
  );
}

test('an anonymous cart whose visitor identifies during the idle hour gets the email at the hour, in the same run', async () => {
  const { anonymousId, id } = await visitor();
  const customerId = await known();
  const cartId = uniqueId('cart');
  const handle = await kit().start(abandonedCartV3, kit().event(cartUpdated, id, cart(cartId)));
  const startedAt = (await handle.describe()).startTime.getTime();
  await kit().env.sleep('20 minutes');
  await identify(handle, id, anonymousId, customerId);
  await kit().env.sleep('45 minutes');

  const [email] = kit().deliveries(handle.workflowId);
  expect(email).toMatchObject({
    channel: 'email',
    template: 'cart-reminder',
    customerId,
    stepId: 'email:cart-reminder',
  });
  expect(Date.parse(email.at) - startedAt).toBeGreaterThanOrEqual(HOUR_MS);
  expect(handle.workflowId).toBe(`abandoned-cart/${id}/${cartId}`);
  const state = await handle.query(journeyStateQuery);
  expect(state.customerId).toBe(customerId);
  expect(state.steps.find((s) => s.step === 'identified')?.detail).toBe(`${id} is ${customerId}`);
  expect((await handle.describe()).typedSearchAttributes.get(WaymarkCustomerId)).toBe(customerId);

  await kit().signal(handle, kit().event(orderCompleted, customerId, { orderId: 'o-1', cartId, total: 149 }));
  expect((await handle.result()).outcome).toBe('converted');
});

test('a visitor still anonymous after the hour gets the in-app nudge, then the email as soon as they identify', async () => {
  const { anonymousId, id } = await visitor();
  const customerId = await known();
  const handle = await kit().start(abandonedCartV3, kit().event(cartUpdated, id, cart(uniqueId('cart'))));
  await kit().env.sleep('3 hours');
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => [s.channel, s.customerId]),
  ).toEqual([['web', id]]);
  expect((await handle.query(journeyStateQuery)).step).toBe('wait-for-identity');

  await identify(handle, id, anonymousId, customerId);
  await kit().env.sleep('1 minute');
  const sends = kit().deliveries(handle.workflowId);
  expect(sends.map((s) => [s.channel, s.customerId])).toEqual([
    ['web', id],
    ['email', customerId],
  ]);
  expect(Date.parse(sends[1].at) - Date.parse(sends[0].at)).toBeGreaterThan(1.5 * HOUR_MS);

  // No second nudge: the SMS last call 20 hours after the email, then the run completes.
  expect((await handle.result()).outcome).toBe('completed');
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.stepId),
  ).toEqual(['web:cart-web-nudge', 'email:cart-reminder', 'sms:cart-last-call']);
});

test('a visitor who never identifies gets only the nudge; the run exits after two days', async () => {
  const { id } = await visitor();
  const handle = await kit().start(abandonedCartV3, kit().event(cartUpdated, id, cart(uniqueId('cart'))));
  expect(await handle.result()).toMatchObject({ outcome: 'exited', reason: 'the visitor did not identify' });
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.channel),
  ).toEqual(['web']);
});

test('an order while the visitor is still anonymous converts the run', async () => {
  const { id } = await visitor();
  const cartId = uniqueId('cart');
  const handle = await kit().start(abandonedCartV3, kit().event(cartUpdated, id, cart(cartId)));
  await kit().env.sleep('5 hours');
  await kit().signal(handle, kit().event(orderCompleted, id, { orderId: 'o-2', cartId, total: 149 }));
  expect((await handle.result()).outcome).toBe('converted');
});

test('an identify for another visitor does not move the run', async () => {
  const { id } = await visitor();
  const other = await visitor();
  const customerId = await known();
  const handle = await kit().start(abandonedCartV3, kit().event(cartUpdated, id, cart(uniqueId('cart'))));
  await identify(handle, other.id, other.anonymousId, customerId);
  await kit().env.sleep('2 hours');
  expect((await handle.query(journeyStateQuery)).customerId).toBe(id);
  await handle.terminate('test done');
});

test('a known customer: email after the hour, the nudge four hours later, the SMS a day after the email', async () => {
  const customerId = await known();
  const handle = await kit().start(abandonedCartV3, kit().event(cartUpdated, customerId, cart(uniqueId('c'))));
  expect((await handle.result()).outcome).toBe('completed');
  const sends = kit().deliveries(handle.workflowId);
  expect(sends.map((s) => s.stepId)).toEqual(['email:cart-reminder', 'web:cart-web-nudge', 'sms:cart-last-call']);
  expect(Date.parse(sends[1].at) - Date.parse(sends[0].at)).toBeGreaterThanOrEqual(4 * HOUR_MS);
});

test('a customer who revoked email consent is ineligible', async () => {
  const id = uniqueId('revoked');
  await Profile.create({ _id: id, email: `${id}@example.com`, consent: { email: { status: 'revoked' } } });
  const handle = await kit().start(abandonedCartV3, kit().event(cartUpdated, id, cart('c-r')));
  expect(await handle.result()).toMatchObject({ outcome: 'ineligible', reason: 'not eligible: consent.email.status' });
});
