// Two real journeys reach one customer: renewal-window (priority 80) and abandoned-cart (priority 40), through the
// API, the real worker and the real send path, on the time-skipping server. The renewal offer speaks first; the cart
// reminder and web nudge within the arbitration window are skipped with the reason in the ledger; the cart's SMS,
// on a channel renewal-window has not used, goes out.
import { randomUUID } from 'node:crypto';
import { listSinkMails, waitForSinkMails, waitForSinkSms } from '../../dev/sink-client';
import { Delivery } from '../../models/delivery';
import { DAY_MS } from '../../sdk/durations';
import { serverEnv } from '../support/servers';
import { eventually, post, put, useTimeSkippingWaymark } from './support';

const stack = useTimeSkippingWaymark('e2e-arbitration');

const granted = { status: 'granted' };

test('the renewal offer speaks; the cart reminder and nudge yield on email and web, its SMS goes out', async () => {
  expect(stack.waymark.config.ARBITRATION_WINDOW).toBe('12 hours');
  const id = `e2e-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const now = await stack.env.currentTimeMs();
  const renewalDate = new Date(now + 30 * DAY_MS).toISOString().slice(0, 10);
  await put(stack.waymark.app, `/v1/profiles/${id}`, {
    email,
    phone,
    timeZone: 'UTC',
    consent: { email: granted, sms: granted, web: granted },
    policies: [{ policyId: 'pol-1', product: 'home', status: 'active', renewalDate }],
  });

  await post(stack.waymark.app, '/v1/events', {
    id: `${id}-due`,
    signal: 'policy.renewal-due',
    customerId: id,
    data: { policyId: 'pol-1', renewalDate },
  });
  const [offer] = await waitForSinkMails(serverEnv('SMTP_SINK_URL'), { to: email, timeoutMs: 20_000 });
  expect(offer.subject).toMatch(/renews on/);

  const cartAccepted = await post(stack.waymark.app, '/v1/events', {
    id: `${id}-cart`,
    signal: 'cart.updated',
    customerId: id,
    data: {
      cartId: 'cart-1',
      items: [{ sku: 'A1', name: 'Trail boots', qty: 1, price: 80 }],
      total: 80,
      currency: 'EUR',
      url: 'https://shop.example/cart/1',
    },
  });
  const cartRun = cartAccepted.results[0].runs[0].workflowId as string;
  const ledger = (stepId: string) => eventually(() => Delivery.findOne({ workflowId: cartRun, stepId }).lean());

  await stack.env.sleep('61 minutes');
  const reminder = (await ledger('email:cart-reminder'))!;
  expect(reminder).toMatchObject({ state: 'capped', journey: 'abandoned-cart', priority: 40 });
  expect(reminder.reason).toBe('arbitration: email yields to renewal-window (priority 80)');

  await stack.env.sleep('4 hours');
  const nudge = (await ledger('web:cart-web-nudge'))!;
  expect(nudge).toMatchObject({ state: 'capped' });
  expect(nudge.reason).toBe('arbitration: web yields to renewal-window (priority 80)');

  await stack.env.sleep('20 hours');
  const lastCall = await ledger('sms:cart-last-call');
  expect(lastCall).toMatchObject({ state: 'sent' });
  const [sms] = await waitForSinkSms(serverEnv('TWILIO_API_URL'), { to: phone, timeoutMs: 20_000 });
  expect(sms.body).toMatch(/Last call/);

  // The customer heard from renewal-window alone on email and web; the ledger says who spoke and who yielded.
  expect(await listSinkMails(serverEnv('SMTP_SINK_URL'), email)).toHaveLength(1);
  const entries = await Delivery.find({ customerId: id }).sort({ at: 1 }).lean();
  expect(entries.map((e) => [e.journey, e.stepId, e.state])).toEqual([
    ['renewal-window', 'email:renewal-offer', 'sent'],
    ['renewal-window', 'web:renewal-banner', 'sent'],
    ['abandoned-cart', 'email:cart-reminder', 'capped'],
    ['abandoned-cart', 'web:cart-web-nudge', 'capped'],
    ['abandoned-cart', 'sms:cart-last-call', 'sent'],
  ]);
}, 120_000);
