// The testing kit as a journey author uses it: events through the real router, time advanced on the time-skipping
// server, the real send path (consent, quiet hours in the customer's zone, the ledger, templates) with providers
// that send nothing, and what would have gone out read back.
import { DateTime } from 'luxon';
import { cartUpdated, orderCompleted } from '../../signals';
import { abandonedCartV1 } from '../../journeys';
import { startJourneyTestKit, type JourneyTestKit } from '../../testing';

let kit: JourneyTestKit;
let n = 0;

beforeAll(async () => {
  // Quiet hours as shipped (21:00-08:00, customer's zone); every test sets the clock it needs.
  kit = await startJourneyTestKit({ config: { QUIET_HOURS: '21:00-08:00', DEFAULT_TIME_ZONE: 'UTC' } });
}, 120_000);
afterAll(async () => {
  await kit?.stop();
});

/** The next wall-clock `hh:mm` in `zone`, at least a day from the test clock (so every test starts fresh). */
async function nextLocal(hhmm: string, zone: string): Promise<Date> {
  const [hour, minute] = hhmm.split(':').map(Number);
  const from = DateTime.fromJSDate(await kit.currentTime(), { zone }).plus({ days: 1 });
  let at = from.set({ hour, minute, second: 0, millisecond: 0 });
  if (at < from) at = at.plus({ days: 1 });
  return at.toJSDate();
}

async function shopper(fields: Record<string, unknown> = {}) {
  n += 1;
  const id = `kit-shopper-${n}-${Date.now().toString(36)}`;
  await kit.createProfile({
    _id: id,
    email: `${id}@example.com`,
    phone: `+1555${String(1_000_000 + n * 7919).slice(-7)}`,
    consent: { email: { status: 'granted' }, sms: { status: 'granted' } },
    ...fields,
  });
  return id;
}

const cart = (cartId: string) => ({
  cartId,
  items: [{ sku: 'tent-2p', name: 'Two-person tent', qty: 1, price: 149 }],
  total: 149,
  currency: 'EUR',
  url: `https://shop.example.com/cart/${cartId}`,
});

test('through the router to the newest version: email, in-app nudge and SMS rendered as the customer gets them', async () => {
  await kit.advanceTo(await nextLocal('09:00', 'UTC'));
  const customer = await shopper();
  const report = await kit.send(kit.event(cartUpdated, customer, cart('c-1')));
  expect(report.runs).toEqual([expect.objectContaining({ journey: 'abandoned-cart', action: 'entered' })]);
  const { workflowId } = report.runs[0];

  expect(await kit.run(workflowId).result()).toMatchObject({ outcome: 'completed' });
  const sent = await kit.messages(workflowId);
  expect(sent.map((d) => [d.stepId, d.journeyVersion, d.status])).toEqual([
    ['email:cart-reminder', 3, 'sent'],
    ['web:cart-web-nudge', 3, 'sent'],
    ['sms:cart-last-call', 3, 'sent'],
  ]);
  const [email, web, sms] = sent.map((d) => d.message);
  expect(email).toMatchObject({
    channel: 'email',
    to: `${customer}@example.com`,
    subject: 'You left 1 item in your cart',
  });
  expect(email && 'text' in email && email.text).toMatch(
    /1 x Two-person tent \(149 EUR\)[\s\S]*Unsubscribe from offers emails: http/,
  );
  expect(web).toEqual({
    channel: 'web',
    title: 'Still thinking it over?',
    body: 'Your cart (1 item, 149 EUR) is saved for you.',
    url: 'https://shop.example.com/cart/c-1',
  });
  expect(sms).toMatchObject({
    channel: 'sms',
    body: expect.stringMatching(/^Last call: your cart \(149 EUR\).*Reply STOP to opt out\.$/),
  });
});

test("quiet hours in the customer's own zone defer the email to their morning, under the same step id", async () => {
  const startLocal = await nextLocal('21:30', 'Pacific/Auckland');
  await kit.advanceTo(startLocal);
  const customer = await shopper({ timeZone: 'Pacific/Auckland' });
  const run = await kit.start(abandonedCartV1, kit.event(cartUpdated, customer, cart('c-2')));
  await kit.advance('12 hours');

  const [deferred, sent] = kit.deliveries(run.workflowId);
  expect(deferred).toMatchObject({ stepId: 'email:cart-reminder', status: 'deferred', reason: 'quiet hours' });
  const local = (iso: string) => DateTime.fromISO(iso, { zone: 'Pacific/Auckland' }).toFormat('HH:mm');
  expect(local(deferred.at)).toBe('22:30');
  expect(local(deferred.until!)).toBe('08:00');
  expect(sent).toMatchObject({ stepId: 'email:cart-reminder', status: 'sent' });
  expect(Date.parse(sent.at)).toBeGreaterThanOrEqual(Date.parse(deferred.until!));
  expect(Date.parse(sent.at) - Date.parse(deferred.until!)).toBeLessThan(60_000);
  expect((await kit.state(run.workflowId)).steps.map((s) => s.detail)).toEqual(
    expect.arrayContaining([`deferred until ${deferred.until}: quiet hours`, 'sent']),
  );
  await run.terminate('test done');

  // An order while the email is held converts the run: the held email is never asked for again.
  await kit.advanceTo(await nextLocal('21:30', 'Pacific/Auckland'));
  const buyer = await shopper({ timeZone: 'Pacific/Auckland' });
  const held = await kit.start(abandonedCartV1, kit.event(cartUpdated, buyer, cart('c-6')));
  await kit.advance('3 hours');
  expect((await kit.state(held.workflowId)).waitingFor).toMatch(/^quiet hours: email:cart-reminder until /);
  await kit.signal(held, kit.event(orderCompleted, buyer, { orderId: 'o-6', cartId: 'c-6', total: 149 }));
  expect((await held.result()).outcome).toBe('converted');
  await kit.advance('12 hours');
  expect(kit.deliveries(held.workflowId).map((d) => d.status)).toEqual(['deferred']);
});

test('consent is judged by the real rules: no SMS consent blocks the last call, and the journey goes on', async () => {
  await kit.advanceTo(await nextLocal('09:00', 'UTC'));
  const customer = await shopper({ consent: { email: { status: 'granted' } } });
  const run = await kit.start(abandonedCartV1, kit.event(cartUpdated, customer, cart('c-3')));
  expect((await run.result()).outcome).toBe('completed');
  expect(kit.deliveries(run.workflowId).map((d) => [d.channel, d.status, d.reason])).toEqual([
    ['email', 'sent', undefined],
    ['sms', 'blocked', 'no sms consent'],
  ]);
  expect(await kit.messages(run.workflowId)).toHaveLength(1);
});

test('a provider refusing for now is retried until it accepts; the customer gets one email', async () => {
  await kit.advanceTo(await nextLocal('09:00', 'UTC'));
  const customer = await shopper();
  kit.failProvider('email', 'transient', 3);
  const run = await kit.start(abandonedCartV1, kit.event(cartUpdated, customer, cart('c-4')));
  await kit.advance('2 hours');

  const emails = kit.deliveries(run.workflowId).filter((d) => d.channel === 'email');
  expect(emails.map((d) => d.status)).toEqual(['error', 'error', 'error', 'sent']);
  expect(emails[0].reason).toMatch(/451 try again later/);
  expect((await kit.messages(run.workflowId)).filter((d) => d.channel === 'email')).toHaveLength(1);
  await kit.signal(run, kit.event(orderCompleted, customer, { orderId: 'o-4', cartId: 'c-4', total: 149 }));
  expect((await run.result()).outcome).toBe('converted');
});

test('a permanent refusal is recorded as failed with the provider reason, and the journey goes on', async () => {
  await kit.advanceTo(await nextLocal('09:00', 'UTC'));
  const customer = await shopper();
  kit.failProvider('email', 'permanent');
  const run = await kit.start(abandonedCartV1, kit.event(cartUpdated, customer, cart('c-5')));
  try {
    expect((await run.result()).outcome).toBe('completed');
  } finally {
    kit.healProviders();
  }
  expect(kit.deliveries(run.workflowId).map((d) => [d.channel, d.status])).toEqual([
    ['email', 'failed'],
    ['sms', 'sent'],
  ]);
  expect(kit.deliveries(run.workflowId)[0].reason).toMatch(/^smtp 550: 550 mailbox unavailable/);
});

test('time only moves forward', async () => {
  await expect(kit.advanceTo('2020-01-01T00:00:00Z')).rejects.toThrow(/is before the test clock/);
});
