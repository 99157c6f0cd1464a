// Send rules judged at the attempt's own time, and retries bounded: through the real API and worker on the
// time-skipping server (its clock is the one judged), with the SMTP sink refusing a mailbox for a while.
import { randomUUID } from 'node:crypto';
import { Delivery } from '../../models/delivery';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../sdk/durations';
import { DELIVER_MAX_ATTEMPTS } from '../../sdk/contracts/delivery-policy';
import { zoneWhereItIs } from '../support/delivery';
import { sinks } from '../support/sinks';
import { eventually, post, put, useTimeSkippingWaymark } from './support';

const stack = useTimeSkippingWaymark('e2e-send-timing', { QUIET_HOURS: '21:00-08:00', FREQUENCY_CAPS: '' });
afterAll(() => sinks.clearFaults());

/** A customer with an active policy in `zone`; their renewal offer mail goes out the moment the event arrives. */
async function renewalCustomer(zone: string) {
  const id = `timing-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  const renewalDate = new Date((await stack.env.currentTimeMs()) + 60 * DAY_MS).toISOString().slice(0, 10);
  await put(stack.waymark.app, `/v1/profiles/${id}`, {
    email,
    timeZone: zone,
    consent: { email: { status: 'granted' }, web: { status: 'granted' } },
    policies: [{ policyId: 'pol-1', product: 'home', status: 'active', renewalDate }],
  });
  const enter = () =>
    post(stack.waymark.app, '/v1/events', {
      id: `${id}-due`,
      signal: 'policy.renewal-due',
      customerId: id,
      data: { policyId: 'pol-1', renewalDate },
    });
  const offer = () => Delivery.findOne({ customerId: id, stepId: 'email:renewal-offer' }).lean();
  return { id, email, enter, offer };
}

const localTime = (instant: Date, zone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    instant,
  );

test('an outage running into quiet hours: the retry after 21:00 is held until 08:00, never sent at night', async () => {
  // Skip to hh:59:20 on the test server; in the customer's zone that is 20:59:20, just before quiet hours.
  const now = await stack.env.currentTimeMs();
  const start = Math.ceil((now + 40_000) / HOUR_MS) * HOUR_MS - 40_000;
  await stack.env.sleep(start - now);
  const zone = zoneWhereItIs(20, new Date(start));
  const customer = await renewalCustomer(zone);
  // The mailbox refuses (451) until 20:59:20 + 95 s. Attempts run at +0, 1, 3, 7, 15, 31, 63 and 123 s: the seventh
  // (21:00:23) still meets the refusal, the eighth (21:01:23) finds the mailbox open. On the test server an attempt
  // is judged at the time it was scheduled (for a retry, when the one before failed: 21:00:23 here), so the eighth is
  // judged inside quiet hours and held until 08:00. Judged at the workflow's ask (20:59:20) it went out at night.
  await sinks.smtpFault(customer.email, 'tempfail-at-rcpt');
  await customer.enter();
  await stack.env.sleep(start + 95_000 - (await stack.env.currentTimeMs()));
  await sinks.clearFaults();

  await stack.env.sleep('3 minutes');
  const held = await eventually(async () => {
    const entry = await customer.offer();
    return entry && ['deferred', 'sent'].includes(entry.state) ? entry : undefined;
  });
  expect(await sinks.mails(customer.email)).toEqual([]);
  expect(held!.state).toBe('deferred');
  expect(localTime(held!.until!, zone)).toBe('08:00');

  await stack.env.sleep(held!.until!.getTime() - (await stack.env.currentTimeMs()) + MINUTE_MS);
  await sinks.waitForMails({ to: customer.email, count: 1, timeoutMs: 20_000 });
  const sent = await eventually(async () => {
    const entry = await customer.offer();
    return entry?.state === 'sent' ? entry : undefined;
  });
  expect(localTime(sent!.at!, zone)).toBe('08:00');
  expect(await sinks.mails(customer.email)).toHaveLength(1);
});

test('an outage longer than the retries ends as a deferral to the next allowed moment, then the mail goes out', async () => {
  const zone = zoneWhereItIs(11, new Date(await stack.env.currentTimeMs()));
  const customer = await renewalCustomer(zone);
  await sinks.smtpFault(customer.email, 'tempfail-at-rcpt');
  await customer.enter();

  await stack.env.sleep('5 minutes');
  const deferred = await eventually(async () => {
    const entry = await customer.offer();
    return entry?.state === 'deferred' ? entry : undefined;
  });
  expect(deferred!.reason).toMatch(/^provider unavailable \(smtp 451/);
  expect(deferred!.attempts).toBe(DELIVER_MAX_ATTEMPTS);
  expect(await sinks.mails(customer.email)).toEqual([]);

  await sinks.clearFaults();
  await stack.env.sleep(deferred!.until!.getTime() - (await stack.env.currentTimeMs()) + MINUTE_MS);
  await sinks.waitForMails({ to: customer.email, count: 1, timeoutMs: 20_000 });
  expect(await eventually(async () => (await customer.offer())?.state === 'sent')).toBe(true);
  expect((await customer.offer())!.attempts).toBe(DELIVER_MAX_ATTEMPTS + 1);
});
