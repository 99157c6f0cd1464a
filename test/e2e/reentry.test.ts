// Re-entry through the real API and worker: a new run under the same workflow id sends its messages again (the
// ledger and web-message ids are scoped to the run's entry), and a journey that refuses re-entry sends nothing new.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { listSinkMails, listSinkSms, waitForSinkMails, waitForSinkSms } from '../../dev/sink-client';
import { Delivery } from '../../models/delivery';
import { WebMessage } from '../../models/web-message';
import { DAY_MS } from '../../sdk/durations';
import { connectTestDatabase, serverEnv } from '../support/servers';
import { createTimeSkippingEnv } from '../support/time-skipping';
import { closedRun, eventually, post, put, startWaymark } from './support';

const granted = { status: 'granted' };
const smtpSink = () => serverEnv('SMTP_SINK_URL');
const twilioSink = () => serverEnv('TWILIO_API_URL');
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

let db: Awaited<ReturnType<typeof connectTestDatabase>>;
beforeAll(async () => {
  db = await connectTestDatabase('e2e-reentry');
});
afterAll(() => db?.close());

describe('on the dev server', () => {
  let waymark: Awaited<ReturnType<typeof startWaymark>>;
  beforeAll(async () => {
    waymark = await startWaymark(serverEnv('TEMPORAL_ADDRESS'));
  });
  afterAll(() => waymark?.stop());

  test('renewal-window: renewed, then due again next year: a second offer mail and a second web banner', async () => {
    const id = `reentry-${randomUUID().slice(0, 8)}`;
    const email = `${id}@example.com`;
    const thisYear = isoDay(Date.now() + 30 * DAY_MS);
    const nextYear = isoDay(Date.now() + 395 * DAY_MS);
    const profile = (renewalDate: string) => ({
      email,
      timeZone: 'UTC',
      consent: { email: granted, sms: granted, web: granted },
      policies: [{ policyId: 'pol-1', product: 'home', status: 'active', renewalDate }],
    });
    await put(waymark.app, `/v1/profiles/${id}`, profile(thisYear));
    const due = (suffix: string, renewalDate: string) =>
      post(waymark.app, '/v1/events', {
        id: `${id}-${suffix}`,
        signal: 'policy.renewal-due',
        customerId: id,
        data: { policyId: 'pol-1', renewalDate },
      });

    const first = await due('due-1', thisYear);
    const workflowId = first.results[0].runs[0].workflowId;
    await waitForSinkMails(smtpSink(), { to: email, count: 1, timeoutMs: 20_000 });
    await eventually(() => WebMessage.exists({ customerId: id }));
    await post(waymark.app, '/v1/events', {
      id: `${id}-renewed`,
      signal: 'policy.renewed',
      customerId: id,
      data: { policyId: 'pol-1', renewalDate: nextYear },
    });
    expect(await closedRun(waymark.app, workflowId)).toMatchObject({ outcome: 'converted' });

    await put(waymark.app, `/v1/profiles/${id}`, profile(nextYear));
    const second = await due('due-2', nextYear);
    expect(second.results[0].runs[0]).toMatchObject({ workflowId, action: 'entered' });

    const mails = await waitForSinkMails(smtpSink(), { to: email, count: 2, timeoutMs: 20_000 });
    expect(mails.map((m) => m.text?.includes(nextYear))).toEqual([false, true]);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(2);
    const banners = await eventually(async () => {
      const found = await WebMessage.find({ customerId: id, journey: 'renewal-window' }).sort({ createdAt: 1 }).lean();
      return found.length === 2 ? found : undefined;
    });
    expect(banners![1]!.body).toContain(nextYear);
    const ledger = await Delivery.find({ workflowId }).lean();
    expect(ledger.map((e) => `${e.stepId} ${e.state}`).sort()).toEqual([
      'email:renewal-offer sent',
      'email:renewal-offer sent',
      'web:renewal-banner sent',
      'web:renewal-banner sent',
    ]);
  });

  test('dependent-turning-26 (re-entry: never): a second turning-26 event starts nothing and sends nothing', async () => {
    const id = `reentry-${randomUUID().slice(0, 8)}`;
    const email = `${id}@example.com`;
    const turns26On = isoDay(Date.now() + 40 * DAY_MS);
    const birthDate = `${Number(turns26On.slice(0, 4)) - 26}${turns26On.slice(4)}`;
    await put(waymark.app, `/v1/profiles/${id}`, {
      email,
      timeZone: 'UTC',
      consent: { email: granted },
      policies: [{ policyId: 'health-1', product: 'health', status: 'active' }],
      dependents: [{ dependentId: 'dep-1', firstName: 'Leo', birthDate, policyId: 'health-1', covered: false }],
    });
    const turning = (suffix: string) =>
      post(waymark.app, '/v1/events', {
        id: `${id}-${suffix}`,
        signal: 'dependent.turning-26',
        customerId: id,
        data: { policyId: 'health-1', dependentId: 'dep-1', birthDate, turns26On },
      });
    const first = await turning('turning-1');
    const workflowId = first.results[0].runs[0].workflowId;
    await waitForSinkMails(smtpSink(), { to: email, count: 1, timeoutMs: 20_000 });
    await post(waymark.app, '/v1/events', {
      id: `${id}-removed`,
      signal: 'dependent.removed',
      customerId: id,
      data: { policyId: 'health-1', dependentId: 'dep-1' },
    });
    await closedRun(waymark.app, workflowId);

    const second = await turning('turning-2');
    expect(second.results[0].runs[0]).toMatchObject({ workflowId, action: 'skipped' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await listSinkMails(smtpSink(), email)).toHaveLength(1);
  });
});

describe('on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let waymark: Awaited<ReturnType<typeof startWaymark>>;
  beforeAll(async () => {
    env = await createTimeSkippingEnv({ waymarkCodec: true });
    waymark = await startWaymark(env.address);
  }, 120_000);
  afterAll(async () => {
    await waymark?.stop();
    await env?.teardown();
  });

  test('abandoned-cart: a cart bought, then a new cart after the 7-day cooldown: a second reminder and SMS', async () => {
    const id = `reentry-${randomUUID().slice(0, 8)}`;
    const email = `${id}@example.com`;
    const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    await put(waymark.app, `/v1/profiles/${id}`, {
      email,
      phone,
      timeZone: 'UTC',
      consent: { email: granted, sms: granted, web: granted },
    });
    const cart = (suffix: string, total: number) =>
      post(waymark.app, '/v1/events', {
        id: `${id}-${suffix}`,
        signal: 'cart.updated',
        customerId: id,
        data: {
          cartId: 'cart-1',
          items: [{ sku: 'A1', name: 'Trail boots', qty: 1, price: total }],
          total,
          currency: 'EUR',
          url: 'https://shop.example/cart/1',
        },
      });

    const first = await cart('cart-a', 80);
    const workflowId = first.results[0].runs[0].workflowId;
    await env.sleep('61 minutes');
    await waitForSinkMails(smtpSink(), { to: email, count: 1, timeoutMs: 20_000 });
    await post(waymark.app, '/v1/events', {
      id: `${id}-order`,
      signal: 'order.completed',
      customerId: id,
      data: { orderId: 'o-1', cartId: 'cart-1', total: 80 },
    });
    expect(await env.client.workflow.getHandle(workflowId).result()).toMatchObject({ outcome: 'converted' });

    // The cooldown is judged by the API's clock against the run's close time on the test server's clock: the API's
    // clock is moved to the test server's time, 8 days on, as it would read a week after the order.
    await env.sleep('8 days');
    const skew = (await env.currentTimeMs()) - Date.now();
    const realNow = Date.now.bind(Date);
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
    let second;
    try {
      second = await cart('cart-b', 95);
    } finally {
      clock.mockRestore();
    }
    expect(second.results[0].runs[0]).toMatchObject({ workflowId, action: 'entered' });

    await env.sleep('61 minutes');
    const mails = await waitForSinkMails(smtpSink(), { to: email, count: 2, timeoutMs: 20_000 });
    expect(mails[1]!.html).toMatch(/95/);
    await env.sleep('4 hours');
    await eventually(() => WebMessage.exists({ customerId: id, body: /95 EUR/ }));
    await env.sleep('20 hours');
    const [sms] = await waitForSinkSms(twilioSink(), { to: phone, count: 1, timeoutMs: 20_000 });
    expect(sms!.body).toMatch(/95 EUR/);
    expect(await listSinkSms(twilioSink(), phone)).toHaveLength(1);
  });
});
