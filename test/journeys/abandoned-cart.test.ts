// Every path of abandoned-cart on the testing kit (testing/): the time-skipping server, the real worker with its
// activities and send path (eligibility, consent, caps, the ledger, templates) and providers that send nothing.
import { Profile } from '../../models/profile';
import { abandonedCartV1, abandonedCartV2 } from '../../journeys';
import { cartUpdated, orderCompleted } from '../../signals';
import { journeyStateQuery } from '../../sdk/queries';
import { WaymarkJourney, WaymarkOutcome, WaymarkStep } from '../../sdk/search-attributes';
import { useJourneyTestKit } from '../../testing';
import { uniqueId } from '../support/events';
import { HOUR_MS } from '../../sdk/durations';
import { decodePayload } from '../../codec/data-converter';

// No quiet hours: whether a send waits for the morning must not depend on the hour the tests run at (quiet hours
// are tested in test/testing and test/delivery).
const kit = useJourneyTestKit({ config: { QUIET_HOURS: '' } });
afterEach(() => kit().healProviders());

async function customer(consent: 'granted' | 'revoked' = 'granted', withEmail = true): Promise<string> {
  const id = uniqueId('shopper');
  await Profile.create({
    _id: id,
    ...(withEmail ? { email: `${id}@example.com` } : {}),
    phone: `+1555${Math.floor(Math.random() * 1e7)}`,
    consent: { email: { status: consent }, sms: { status: 'granted' } },
  });
  return id;
}

function cart(cartId: string, qty = 1) {
  return {
    cartId,
    items: [{ sku: 'tent-2p', name: 'Two-person tent', qty, price: 149 }],
    total: 149 * qty,
    currency: 'EUR',
    url: `https://shop.example.com/cart/${cartId}`,
  };
}

test('an idle cart gets the reminder email after an hour, the SMS a day later, and completes', async () => {
  const customerId = await customer();
  const cartId = uniqueId('cart');
  const handle = await kit().start(abandonedCartV1, kit().event(cartUpdated, customerId, cart(cartId)));
  const startedAt = (await handle.describe()).startTime.getTime();

  const result = await handle.result();

  expect(result.outcome).toBe('completed');
  const sends = kit().deliveries(handle.workflowId);
  expect(sends.map((s) => [s.stepId, s.channel, s.template, s.topic])).toEqual([
    ['email:cart-reminder', 'email', 'cart-reminder', 'offers'],
    ['sms:cart-last-call', 'sms', 'cart-last-call', 'offers'],
  ]);
  expect(sends[0]).toMatchObject({ customerId, journey: 'abandoned-cart', journeyVersion: 1, onCap: 'skip' });
  expect(sends[0].data).toEqual({ cart: cart(cartId) });
  expect(Date.parse(sends[0].at) - startedAt).toBeGreaterThanOrEqual(HOUR_MS);
  expect(Date.parse(sends[1].at) - Date.parse(sends[0].at)).toBeGreaterThanOrEqual(24 * HOUR_MS);
  expect(result.steps).toEqual(
    expect.arrayContaining(['cart-idle', 'reminder', 'email:cart-reminder', 'last-call', 'sms:cart-last-call']),
  );
  const described = await handle.describe();
  expect(described.typedSearchAttributes.get(WaymarkOutcome)).toBe('completed');
  expect(described.typedSearchAttributes.get(WaymarkJourney)).toBe('abandoned-cart');
});

test('a cart updated again restarts the idle hour, and the reminder shows the latest cart', async () => {
  const customerId = await customer();
  const cartId = uniqueId('cart');
  const handle = await kit().start(abandonedCartV1, kit().event(cartUpdated, customerId, cart(cartId)));
  const startedAt = (await handle.describe()).startTime.getTime();

  await kit().env.sleep('40 minutes');
  expect(kit().deliveries(handle.workflowId)).toHaveLength(0);
  await kit().signal(handle, kit().event(cartUpdated, customerId, cart(cartId, 3)));
  await kit().env.sleep('40 minutes');
  expect(kit().deliveries(handle.workflowId)).toHaveLength(0); // 80 min after the start, only 40 after the update

  await kit().signal(handle, kit().event(orderCompleted, customerId, { orderId: 'o-1', cartId, total: 447 }));
  const result = await handle.result();
  expect(result.outcome).toBe('converted');

  const other = await customer();
  const otherCart = uniqueId('cart');
  const second = await kit().start(abandonedCartV1, kit().event(cartUpdated, other, cart(otherCart)));
  const secondStart = (await second.describe()).startTime.getTime();
  await kit().env.sleep('30 minutes');
  await kit().signal(second, kit().event(cartUpdated, other, cart(otherCart, 3)));
  await kit().env.sleep('75 minutes');
  const [reminder] = kit().deliveries(second.workflowId);
  expect(reminder.template).toBe('cart-reminder');
  expect(reminder.data).toEqual({ cart: cart(otherCart, 3) });
  expect(Date.parse(reminder.at) - secondStart).toBeGreaterThanOrEqual(90 * 60_000);
  expect(Date.parse(reminder.at) - secondStart).toBeLessThan(2 * HOUR_MS);
  await second.terminate('test done');
  expect(startedAt).toBeLessThan(secondStart);
});

test('a redelivered event (same id) does not restart the idle hour', async () => {
  const customerId = await customer();
  const cartId = uniqueId('cart');
  const first = kit().event(cartUpdated, customerId, cart(cartId));
  const handle = await kit().start(abandonedCartV1, first);
  const startedAt = (await handle.describe()).startTime.getTime();
  await kit().env.sleep('40 minutes');
  await kit().signal(handle, { ...first });
  await kit().env.sleep('30 minutes');

  const [reminder] = kit().deliveries(handle.workflowId);
  expect(reminder?.template).toBe('cart-reminder');
  expect(Date.parse(reminder.at) - startedAt).toBeLessThan(70 * 60_000);
  await handle.terminate('test done');
});

test('an order for the cart during the wait ends the run as converted, without the SMS', async () => {
  const customerId = await customer();
  const cartId = uniqueId('cart');
  const handle = await kit().start(abandonedCartV1, kit().event(cartUpdated, customerId, cart(cartId)));
  await kit().env.sleep('3 hours');

  const state = await handle.query(journeyStateQuery);
  expect(state).toMatchObject({
    step: 'wait-for-order',
    journey: 'abandoned-cart',
    version: 1,
    customerId,
    key: cartId,
  });
  expect(state.waitingFor).toMatch(/sleep/);
  expect(Date.parse(state.wakesAt!)).toBeGreaterThan(await kit().env.currentTimeMs());
  expect((await handle.describe()).typedSearchAttributes.get(WaymarkStep)).toBe('wait-for-order');

  // An order for another cart of the same customer is not this run's goal.
  await kit().signal(handle, kit().event(orderCompleted, customerId, { orderId: 'o-0', cartId: 'other', total: 1 }));
  await kit().signal(handle, kit().event(orderCompleted, customerId, { orderId: 'o-1', cartId, total: 149 }));
  const result = await handle.result();

  expect(result).toMatchObject({ outcome: 'converted', reason: 'goal: order.completed' });
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.template),
  ).toEqual(['cart-reminder']);
  expect((await handle.describe()).typedSearchAttributes.get(WaymarkOutcome)).toBe('converted');
});

test('an order during the idle wait converts before any message', async () => {
  const customerId = await customer();
  const cartId = uniqueId('cart');
  const handle = await kit().start(abandonedCartV1, kit().event(cartUpdated, customerId, cart(cartId)));
  await kit().env.sleep('10 minutes');
  await kit().signal(handle, kit().event(orderCompleted, customerId, { orderId: 'o-2', cartId, total: 149 }));

  expect((await handle.result()).outcome).toBe('converted');
  expect(kit().deliveries(handle.workflowId)).toHaveLength(0);
});

test('a customer who revoked email consent is ineligible, named by the failing condition', async () => {
  const customerId = await customer('revoked');
  const handle = await kit().start(abandonedCartV1, kit().event(cartUpdated, customerId, cart('c-x')));

  const result = await handle.result();

  expect(result).toMatchObject({ outcome: 'ineligible', reason: 'not eligible: consent.email.status' });
  expect(kit().deliveries(handle.workflowId)).toHaveLength(0);
});

test('a customer without a profile is ineligible: profile', async () => {
  const handle = await kit().start(abandonedCartV1, kit().event(cartUpdated, uniqueId('ghost'), cart('c-y')));
  expect(await handle.result()).toMatchObject({ outcome: 'ineligible', reason: 'not eligible: profile' });
});

test('an emptied cart exits without a message', async () => {
  const customerId = await customer();
  const cartId = uniqueId('cart');
  const handle = await kit().start(abandonedCartV1, kit().event(cartUpdated, customerId, cart(cartId)));
  await kit().signal(handle, kit().event(cartUpdated, customerId, { ...cart(cartId), items: [], total: 0 }));

  expect(await handle.result()).toMatchObject({ outcome: 'exited', reason: 'cart emptied' });
  expect(kit().deliveries(handle.workflowId)).toHaveLength(0);
});

test('timers and activities carry summaries that say what the run waits for and does', async () => {
  const customerId = await customer();
  const cartId = uniqueId('cart');
  const handle = await kit().start(abandonedCartV1, kit().event(cartUpdated, customerId, cart(cartId)));
  await kit().env.sleep('2 hours');
  await kit().signal(handle, kit().event(orderCompleted, customerId, { orderId: 'o-4', cartId, total: 149 }));
  await handle.result();

  const history = await handle.fetchHistory();
  const converter = kit().env.client.options.loadedDataConverter;
  const summaries = await Promise.all(
    (history.events ?? [])
      .map((e) => e.userMetadata?.summary)
      .filter((s) => s)
      .map((s) => decodePayload<string>(converter, s!)),
  );
  expect(summaries).toEqual(
    expect.arrayContaining([
      'eligibility: email, consent.email.status',
      'quiet for 1 hour: restarts on cart.updated',
      "send email 'cart-reminder'",
      'sleep 1 day',
    ]),
  );
});

test('a permanent provider failure is recorded as failed and the journey goes on', async () => {
  const customerId = await customer();
  kit().failProvider('email', 'permanent');
  const handle = await kit().start(abandonedCartV1, kit().event(cartUpdated, customerId, cart(uniqueId('c'))));

  expect((await handle.result()).outcome).toBe('completed');
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.channel),
  ).toEqual(['email', 'sms']);
  const { steps } = await handle.query(journeyStateQuery);
  expect(steps.find((s) => s.step === 'email:cart-reminder')?.detail).toMatch(
    /^failed: smtp 550: 550 mailbox unavailable/,
  );
});

test('an order while a send is still being retried ends the run at once as converted', async () => {
  const customerId = await customer();
  const cartId = uniqueId('cart');
  kit().failProvider('email', 'transient');
  const handle = await kit().start(abandonedCartV1, kit().event(cartUpdated, customerId, cart(cartId)));
  // The cart sits idle for an hour; 20 s later the reminder is between its attempts (they back off from 1 s).
  await kit().env.sleep(60 * 60_000 + 20_000);
  expect((await handle.query(journeyStateQuery)).waitingFor).toBe('delivery of email:cart-reminder');

  await kit().signal(handle, kit().event(orderCompleted, customerId, { orderId: 'o-6', cartId, total: 149 }));

  expect((await handle.result()).outcome).toBe('converted');
});

describe('v2', () => {
  test('email, then the in-app nudge four hours later, then the SMS a day after the email; completes', async () => {
    const customerId = await customer();
    const cartId = uniqueId('cart');
    const handle = await kit().start(abandonedCartV2, kit().event(cartUpdated, customerId, cart(cartId)));

    expect((await handle.result()).outcome).toBe('completed');
    const sends = kit().deliveries(handle.workflowId);
    expect(sends.map((s) => s.stepId)).toEqual(['email:cart-reminder', 'web:cart-web-nudge', 'sms:cart-last-call']);
    expect(sends.every((s) => s.journeyVersion === 2)).toBe(true);
    expect(Date.parse(sends[1].at) - Date.parse(sends[0].at)).toBeGreaterThanOrEqual(4 * HOUR_MS);
    expect(Date.parse(sends[2].at) - Date.parse(sends[0].at)).toBeGreaterThanOrEqual(24 * HOUR_MS);
  });

  test('an order after the nudge converts without the SMS', async () => {
    const customerId = await customer();
    const cartId = uniqueId('cart');
    const handle = await kit().start(abandonedCartV2, kit().event(cartUpdated, customerId, cart(cartId)));
    await kit().env.sleep('6 hours');
    await kit().signal(handle, kit().event(orderCompleted, customerId, { orderId: 'o-5', cartId, total: 149 }));

    expect((await handle.result()).outcome).toBe('converted');
    expect(
      kit()
        .deliveries(handle.workflowId)
        .map((s) => s.channel),
    ).toEqual(['email', 'web']);
  });

  test('a customer without an email address is ineligible: email', async () => {
    const customerId = await customer('granted', false);
    const handle = await kit().start(abandonedCartV2, kit().event(cartUpdated, customerId, cart('c-z')));
    expect(await handle.result()).toMatchObject({ outcome: 'ineligible', reason: 'not eligible: email' });
  });
});
