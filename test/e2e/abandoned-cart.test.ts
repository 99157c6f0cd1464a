// HTTP event → Temporal (the time-skipping test server: the cart must sit idle for an hour first) → the real worker
// and activities → mail in the SMTP sink, web nudge in MongoDB, SMS in the Twilio sink; or an order ends it first.
import { randomUUID } from 'node:crypto';
import { listSinkMails, listSinkSms, waitForSinkMails, waitForSinkSms } from '../../dev/sink-client';
import { WebMessage } from '../../models/web-message';
import { serverEnv } from '../support/servers';
import { eventually, post, put, useTimeSkippingWaymark } from './support';

const stack = useTimeSkippingWaymark('e2e-cart');

test('an idle cart gets the reminder mail; the order then ends the run as converted, with no SMS', async () => {
  const id = `e2e-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  const phone = '+15551239876';
  await put(stack.waymark.app, `/v1/profiles/${id}`, {
    email,
    phone,
    timeZone: 'UTC',
    consent: { email: { status: 'granted' }, sms: { status: 'granted' }, web: { status: 'granted' } },
  });
  const cart = {
    cartId: 'cart-1',
    items: [{ sku: 'A1', name: 'Trail boots', qty: 1, price: 80 }],
    total: 80,
    currency: 'EUR',
    url: 'https://shop.example/cart/1',
  };
  const accepted = await post(stack.waymark.app, '/v1/events', {
    id: `${id}-cart`,
    signal: 'cart.updated',
    email,
    data: cart,
  });
  const workflowId = accepted.results[0].runs[0].workflowId;
  expect(workflowId).toBe(`abandoned-cart/${id}/cart-1`);

  await stack.env.sleep('59 minutes');
  expect(await listSinkMails(serverEnv('SMTP_SINK_URL'), email)).toEqual([]);
  await stack.env.sleep('2 minutes');
  const [mail] = await waitForSinkMails(serverEnv('SMTP_SINK_URL'), { to: email, timeoutMs: 20_000 });
  expect(mail.html).toMatch(/Trail boots/);

  await post(stack.waymark.app, '/v1/events', {
    id: `${id}-order`,
    signal: 'order.completed',
    customerId: id,
    data: { orderId: 'o-1', cartId: 'cart-1', total: 80 },
  });
  const result = await stack.env.client.workflow.getHandle(workflowId).result();
  expect(result.outcome).toBe('converted');
  expect(await listSinkSms(serverEnv('TWILIO_API_URL'), phone)).toEqual([]);
});

test('a cart nobody orders: reminder mail, then the web nudge, then the SMS last call', async () => {
  const id = `e2e-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  await put(stack.waymark.app, `/v1/profiles/${id}`, {
    email,
    phone,
    timeZone: 'UTC',
    consent: { email: { status: 'granted' }, sms: { status: 'granted' }, web: { status: 'granted' } },
  });
  await post(stack.waymark.app, '/v1/events', {
    id: `${id}-cart`,
    signal: 'cart.updated',
    customerId: id,
    data: {
      cartId: 'cart-2',
      items: [{ sku: 'B2', name: 'Rain jacket', qty: 1, price: 120 }],
      total: 120,
      currency: 'EUR',
      url: 'https://shop.example/cart/2',
    },
  });

  await stack.env.sleep('61 minutes');
  await waitForSinkMails(serverEnv('SMTP_SINK_URL'), { to: email, timeoutMs: 20_000 });
  await stack.env.sleep('4 hours');
  const nudge = await eventually(() => WebMessage.findOne({ customerId: id, journey: 'abandoned-cart' }).lean());
  expect(nudge!.body).toMatch(/120 EUR/);
  expect(await listSinkSms(serverEnv('TWILIO_API_URL'), phone)).toEqual([]);
  await stack.env.sleep('20 hours');
  const [sms] = await waitForSinkSms(serverEnv('TWILIO_API_URL'), { to: phone, timeoutMs: 20_000 });
  expect(sms.body).toMatch(/120 EUR.*shop\.example\/cart\/2/);
});
