// The unified customer end to end, through the HTTP API against the real servers (the time-skipping test server, the
// real worker and activities, the store, the SMTP sink): an anonymous cart, an identify by email, the reminder mail
// at that email from the same run; a conflicting identify is a 409; a profile change moves a customer into a
// segment and the browse-abandonment run waiting for it goes on.
import { randomUUID } from 'node:crypto';
import { listSinkMails, waitForSinkMails } from '../../dev/sink-client';
import { Delivery } from '../../models/delivery';
import { journeyStateQuery } from '../../sdk/queries';
import { serverEnv } from '../support/servers';
import { API_KEY, eventually, post, put, useTimeSkippingWaymark } from './support';

const stack = useTimeSkippingWaymark('e2e-customer');

const granted = { email: { status: 'granted' }, web: { status: 'granted' } };

test('an anonymous cart, then identify by email: the reminder mail reaches that email from the same run', async () => {
  const suffix = randomUUID().slice(0, 8);
  const customerId = `cust-${suffix}`;
  const email = `${customerId}@example.com`;
  await put(stack.waymark.app, `/v1/profiles/${customerId}`, { email, timeZone: 'UTC', consent: granted });
  const anonymousId = `visitor-${suffix}`;
  const accepted = await post(stack.waymark.app, '/v1/events', {
    id: `${suffix}-cart`,
    signal: 'cart.updated',
    anonymousId,
    data: {
      cartId: 'cart-1',
      items: [{ sku: 'A1', name: 'Trail boots', qty: 1, price: 80 }],
      total: 80,
      currency: 'EUR',
      url: 'https://shop.example/cart/1',
    },
  });
  const visitorId = accepted.results[0].customerId;
  expect(visitorId).toMatch(/^anon:/);
  const workflowId = accepted.results[0].runs[0].workflowId;
  expect(workflowId).toBe(`abandoned-cart/${visitorId}/cart-1`);

  await stack.env.sleep('10 minutes');
  const identified = await post(stack.waymark.app, '/v1/identify', { anonymousId, email, source: 'web-login' });
  expect(identified).toMatchObject({ customerId, matchedBy: 'email', merged: { from: visitorId } });
  expect(identified.runs).toEqual([expect.objectContaining({ workflowId, action: 'signalled' })]);

  await stack.env.sleep('52 minutes');
  const [mail] = await waitForSinkMails(serverEnv('SMTP_SINK_URL'), { to: email, timeoutMs: 20_000 });
  expect(mail.html).toMatch(/Trail boots/);
  const ledger = await Delivery.findOne({ workflowId, stepId: 'email:cart-reminder' }).lean();
  expect(ledger).toMatchObject({ state: 'sent', to: email });
  expect((await stack.env.client.workflow.getHandle(workflowId).query(journeyStateQuery)).customerId).toBe(customerId);

  // The merge is on record: who, when, from what.
  const merges = await stack.waymark.app.inject({
    url: `/v1/profiles/${customerId}/merges`,
    headers: { 'x-api-key': API_KEY },
  });
  expect(merges.json().merges).toEqual([
    expect.objectContaining({
      from: visitorId,
      into: customerId,
      anonymousId,
      state: 'done',
      by: expect.objectContaining({ source: 'web-login' }),
    }),
  ]);

  // The order, sent with the customer's id now, reaches the same run and converts it.
  await post(stack.waymark.app, '/v1/events', {
    id: `${suffix}-order`,
    signal: 'order.completed',
    customerId,
    data: { orderId: 'o-1', cartId: 'cart-1', total: 80 },
  });
  expect((await stack.env.client.workflow.getHandle(workflowId).result()).outcome).toBe('converted');
});

test('an identify that would take an anonymous id from another customer is a 409 naming both profiles', async () => {
  const suffix = randomUUID().slice(0, 8);
  const [first, second] = [`first-${suffix}`, `second-${suffix}`];
  await put(stack.waymark.app, `/v1/profiles/${first}`, { email: `${first}@example.com` });
  await put(stack.waymark.app, `/v1/profiles/${second}`, { email: `${second}@example.com` });
  const anonymousId = `shared-device-${suffix}`;
  await post(stack.waymark.app, '/v1/identify', { anonymousId, customerId: first });

  const res = await stack.waymark.app.inject({
    method: 'POST',
    url: '/v1/identify',
    headers: { 'x-api-key': API_KEY },
    payload: { anonymousId, email: `${second}@example.com` },
  });
  expect(res.statusCode).toBe(409);
  expect(res.json()).toMatchObject({
    error: 'identity_conflict',
    details: [{ field: 'anonymousId', rule: 'identity_conflict' }],
  });
  expect(res.json().details[0].message).toBe(`held by profiles ${[first, second].sort().join(', ')}`);
});

test('a profile change moves a customer into a segment, and the journey waiting for it goes on', async () => {
  const suffix = randomUUID().slice(0, 8);
  const customerId = `browser-${suffix}`;
  const email = `${customerId}@example.com`;
  await put(stack.waymark.app, `/v1/profiles/${customerId}`, { email, timeZone: 'UTC' });
  let lastReport;
  for (let view = 1; view <= 3; view++) {
    const res = await post(stack.waymark.app, '/v1/events', {
      id: `${suffix}-view-${view}`,
      signal: 'product.viewed',
      customerId,
      data: { productId: 'tent-2p', name: 'Two-person tent', url: 'https://shop.example/p/tent-2p' },
    });
    lastReport = res.results[0];
  }
  expect(lastReport.segments).toEqual(expect.arrayContaining([{ segment: 'window-shoppers', change: 'entered' }]));
  const workflowId = `browse-abandonment/${customerId}/window-shoppers`;
  const handle = stack.env.client.workflow.getHandle(workflowId);
  await eventually(async () => (await handle.query(journeyStateQuery)).step === 'wait-for-email-reachable');
  expect(await listSinkMails(serverEnv('SMTP_SINK_URL'), email)).toEqual([]);

  // The customer grants email consent: they enter email-reachable, and the waiting run sends its email.
  const changed = await put(stack.waymark.app, `/v1/profiles/${customerId}`, {
    email,
    timeZone: 'UTC',
    consent: granted,
  });
  expect(changed.segments.map((s: { name: string }) => s.name)).toEqual(
    expect.arrayContaining(['window-shoppers', 'email-reachable']),
  );
  const [mail] = await waitForSinkMails(serverEnv('SMTP_SINK_URL'), { to: email, timeoutMs: 20_000 });
  expect(mail.subject).toBe('Two-person tent is waiting for you');

  const members = await stack.waymark.app.inject({
    url: '/v1/segments/email-reachable/members?limit=1000',
    headers: { 'x-api-key': API_KEY },
  });
  expect(members.json().members.map((m: { customerId: string }) => m.customerId)).toContain(customerId);
});
