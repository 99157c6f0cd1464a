// Goals and exits remembered (issue 10, item 6): an order that arrives before its cart update (a shop retrying late)
// means the late cart update starts no reminder; the refusal is recorded in the event's answer and its record.
// HTTP events → the time-skipping test server → the real worker, send path, MongoDB and sinks.
import { randomUUID } from 'node:crypto';
import { listSinkMails, waitForSinkMails } from '../../dev/sink-client';
import { EventRecord } from '../../models/event';
import { DAY_MS } from '../../sdk/durations';
import { serverEnv } from '../support/servers';
import { post, put, useTimeSkippingWaymark } from './support';

const stack = useTimeSkippingWaymark('e2e-goal-first');

const granted = { status: 'granted' };
const cart = (cartId: string) => ({
  cartId,
  items: [{ sku: 'A1', name: 'Trail boots', qty: 1, price: 80 }],
  total: 80,
  currency: 'EUR',
  url: `https://shop.example/cart/${cartId}`,
});

test('order.completed first, then a late cart.updated for that cart: no run, no reminder; another cart still gets one', async () => {
  const id = `e2e-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  await put(stack.waymark.app, `/v1/profiles/${id}`, { email, timeZone: 'UTC', consent: { email: granted } });
  const cartAt = new Date(Date.now() - 5 * 60_000).toISOString();

  const order = await post(stack.waymark.app, '/v1/events', {
    id: `${id}-order`,
    signal: 'order.completed',
    customerId: id,
    data: { orderId: 'o-1', cartId: 'cart-1', total: 80 },
  });
  expect(order.results[0].runs).toContainEqual(
    expect.objectContaining({ workflowId: `abandoned-cart/${id}/cart-1`, action: 'skipped', reason: 'no open run' }),
  );

  // The shop's retry of the cart update it made before the order.
  const late = await post(stack.waymark.app, '/v1/events', {
    id: `${id}-cart`,
    signal: 'cart.updated',
    customerId: id,
    occurredAt: cartAt,
    data: cart('cart-1'),
  });
  expect(late.results[0]).toMatchObject({ duplicate: false, started: 0 });
  expect(late.results[0].runs).toEqual([
    expect.objectContaining({
      workflowId: `abandoned-cart/${id}/cart-1`,
      action: 'skipped',
      reason: expect.stringMatching(/^converted by order\.completed \(event .*-order\) at .*, after this trigger/),
    }),
  ]);
  const recorded = await EventRecord.findOne({ eventId: `${id}-cart` }).lean();
  expect(recorded!.routing).toMatchObject({ runs: [expect.objectContaining({ action: 'skipped' })] });

  // A cart update sent again now, after the order, is refused too: abandoned-cart waits 7 days after an end.
  const again = await post(stack.waymark.app, '/v1/events', {
    id: `${id}-cart-2`,
    signal: 'cart.updated',
    customerId: id,
    data: cart('cart-1'),
  });
  expect(again.results[0].runs[0]).toMatchObject({ action: 'skipped', reason: expect.stringMatching(/cooldown/) });

  const other = await post(stack.waymark.app, '/v1/events', {
    id: `${id}-other`,
    signal: 'cart.updated',
    customerId: id,
    data: cart('cart-2'),
  });
  expect(other.results[0].runs[0]).toMatchObject({ action: 'entered' });

  await stack.env.sleep('2 hours');
  const mails = await waitForSinkMails(serverEnv('SMTP_SINK_URL'), { to: email, timeoutMs: 20_000 });
  expect(mails).toHaveLength(1);
  expect(mails[0].html).toMatch(/cart-2/);
  await stack.env.client.workflow.getHandle(`abandoned-cart/${id}/cart-2`).terminate('test done');
  await expect(stack.env.client.workflow.getHandle(`abandoned-cart/${id}/cart-1`).describe()).rejects.toThrow();
  expect(await listSinkMails(serverEnv('SMTP_SINK_URL'), email)).toHaveLength(1);
});

test('an exit before the trigger: a dependent removed, then a late turning-26 for them, starts nothing', async () => {
  const id = `e2e-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  const turns26On = new Date(Date.now() + 40 * DAY_MS).toISOString().slice(0, 10);
  const birthDate = `${Number(turns26On.slice(0, 4)) - 26}${turns26On.slice(4)}`;
  await put(stack.waymark.app, `/v1/profiles/${id}`, {
    email,
    timeZone: 'UTC',
    consent: { email: granted },
    policies: [{ policyId: 'health-1', product: 'health', status: 'active' }],
    dependents: [{ dependentId: 'dep-1', birthDate, policyId: 'health-1', covered: false }],
  });
  await post(stack.waymark.app, '/v1/events', {
    id: `${id}-removed`,
    signal: 'dependent.removed',
    customerId: id,
    data: { policyId: 'health-1', dependentId: 'dep-1' },
  });
  const late = await post(stack.waymark.app, '/v1/events', {
    id: `${id}-turning`,
    signal: 'dependent.turning-26',
    customerId: id,
    data: { policyId: 'health-1', dependentId: 'dep-1', birthDate, turns26On },
  });
  expect(late.results[0].runs[0]).toMatchObject({
    action: 'skipped',
    reason: expect.stringMatching(/^exited by dependent\.removed .*re-entry: never/),
  });
  await stack.env.sleep('1 hour');
  expect(await listSinkMails(serverEnv('SMTP_SINK_URL'), email)).toEqual([]);
});
