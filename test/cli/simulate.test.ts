// `waymark simulate` as a journey author runs it: the real CLI in a child process, on the time-skipping server, with
// the real send rules judging the given profile. The customer lives in Auckland and leaves the cart at 21:30 their
// time, so the reminder due an hour later falls in their quiet hours (21:00-08:00) and waits for their morning.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'waymark-simulate-'));
const file = (name: string, content: unknown) => {
  const target = path.join(dir, name);
  writeFileSync(target, JSON.stringify(content));
  return target;
};
const waymark = (...args: string[]) =>
  run(path.join(ROOT, 'node_modules/.bin/tsx'), ['cli/main.ts', ...args], {
    cwd: ROOT,
    // The shipped send rules, whatever the machine's environment says.
    env: {
      ...process.env,
      QUIET_HOURS: '21:00-08:00',
      FREQUENCY_CAPS: 'sms=1/day,email=3/week',
      DEFAULT_TIME_ZONE: 'UTC',
    },
    timeout: 120_000,
  });
/** How a failed run ended: its exit code and its last line on stderr (the Java test server may log before it). */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ code: 0, message: '' }),
    (err: { code: number; stderr: string }) => ({ code: err.code, message: err.stderr.trim().split('\n').pop() ?? '' }),
  );

const profile = file('ann.json', {
  id: 'ann',
  email: 'ann@example.com',
  phone: '+64215550123',
  firstName: 'Ann',
  timeZone: 'Pacific/Auckland',
  consent: { email: { status: 'granted' }, sms: { status: 'granted' } },
});
const cart = {
  cartId: 'c-9',
  items: [{ sku: 'A1', name: 'Boots', qty: 1, price: 80 }],
  total: 80,
  currency: 'EUR',
  url: 'https://shop.example/cart/c-9',
};
// 21:30 in Auckland, two days from now (the simulation clock starts at the present and only moves forward).
const evening = DateTime.now()
  .setZone('Pacific/Auckland')
  .plus({ days: 2 })
  .set({ hour: 21, minute: 30, second: 0, millisecond: 0 });
const day = (d: DateTime) => d.toFormat('ccc dd LLL yyyy', { locale: 'en-GB' });

test('abandoned-cart v1 for a customer in Auckland: the quiet-hours deferral, then the sends at their times', async () => {
  const events = file('cart.json', {
    start: evening.toUTC().toISO(),
    events: [{ offset: '0 minutes', signal: 'cart.updated', data: cart }],
  });

  const { stdout } = await waymark(
    'simulate',
    'abandoned-cart',
    '--version',
    '1',
    '--profile',
    profile,
    '--events',
    events,
  );
  const lines = stdout.split('\n');

  expect(lines[0]).toBe("abandoned-cart v1 for customer ann, times in Pacific/Auckland (the customer's zone)");
  expect(lines[1]).toMatch(
    /^send rules: quiet hours 21:00-08:00 in the customer's zone; frequency caps sms=1\/day,email=3\/week/,
  );
  const at = (d: DateTime) => `${day(d)} ${d.toFormat('HH:mm')} ${d.toFormat('ZZZZ', { locale: 'en-GB' })}`;
  const next = evening.plus({ days: 1 });
  const line = (prefix: string, kind: string, text: string | RegExp) =>
    lines.find(
      (l) =>
        l.startsWith(`${prefix}  ${kind.padEnd(5)}  `) && (typeof text === 'string' ? l.includes(text) : text.test(l)),
    );

  expect(line(at(evening), 'event', 'cart.updated → entered')).toBeDefined();
  expect(line(at(evening), 'check', 'eligibility: eligible')).toBeDefined();
  expect(line(at(evening), 'wait', /quiet for 1 hour: restarts on cart\.updated \(until .* 22:30 /)).toBeDefined();
  const deferral = `deferred email cart-reminder to ann: quiet hours, held until ${at(next.set({ hour: 8, minute: 0 }))}`;
  expect(line(at(evening.plus({ hours: 1 })), 'send', deferral)).toBeDefined();
  expect(
    line(at(next.set({ hour: 8, minute: 0 })), 'send', 'would send email cart-reminder to ann (ann@example.com)'),
  ).toBeDefined();
  expect(stdout).toContain('subject: You left 1 item in your cart');
  expect(
    line(
      at(next.plus({ days: 1 }).set({ hour: 8, minute: 0 })),
      'send',
      'would send sms cart-last-call to ann (+64215550123)',
    ),
  ).toBeDefined();
  expect(stdout).toMatch(
    /text: Last call: your cart \(80 EUR\) is still waiting\. https:\/\/shop\.example\/cart\/c-9 Reply STOP to opt out\./,
  );
  expect(lines.filter((l) => / {2}end {4}/.test(l))).toEqual([
    expect.stringMatching(/ {2}end {4}completed \(abandoned-cart\/ann\/c-9\)$/),
  ]);
  // The deferral comes before the send it held back.
  expect(lines.indexOf(lines.find((l) => l.includes('deferred email'))!)).toBeLessThan(
    lines.indexOf(lines.find((l) => l.includes('would send email'))!),
  );
}, 180_000);

test('an order before the morning converts: the held reminder never goes out', async () => {
  const events = file('order.json', {
    start: evening.toUTC().toISO(),
    events: [
      { offset: 0, signal: 'cart.updated', data: cart },
      { offset: '5 hours', signal: 'order.completed', data: { orderId: 'o-1', cartId: 'c-9', total: 80 } },
    ],
  });
  const { stdout } = await waymark('simulate', 'abandoned-cart', '--profile', profile, '--events', events, '--json');
  const result = JSON.parse(stdout);
  expect(result).toMatchObject({ journey: 'abandoned-cart', version: 3, zone: 'Pacific/Auckland' });
  expect(result.runs).toEqual([
    { workflowId: 'abandoned-cart/ann/c-9', outcome: 'converted', reason: 'goal: order.completed' },
  ]);
  const sends = result.entries.filter((e: { kind: string }) => e.kind === 'send').map((e: { text: string }) => e.text);
  expect(sends).toEqual([expect.stringMatching(/^deferred email cart-reminder to ann: quiet hours/)]);
}, 180_000);

test('bad input is a clear message naming the field, exit code 1', async () => {
  const unknown = file('bad-signal.json', [{ offset: 0, signal: 'cart.updatd', data: cart }]);
  const badSignal = await failure(waymark('simulate', 'abandoned-cart', '--profile', profile, '--events', unknown));
  expect(badSignal.code).toBe(1);
  expect(badSignal.message).toMatch(
    /^waymark: events\[0\]\.signal: unknown signal 'cart\.updatd'; known signals: (.+, )?cart\.updated(,|$)/,
  );

  const badData = file('bad-data.json', [{ offset: 0, signal: 'cart.updated', data: { ...cart, total: 'lots' } }]);
  expect(
    (await failure(waymark('simulate', 'abandoned-cart', '--profile', profile, '--events', badData))).message,
  ).toMatch(/^waymark: events\[0\]\.data\.total: /);

  const past = file('past.json', {
    start: '2020-01-01T00:00:00Z',
    events: [{ offset: 0, signal: 'cart.updated', data: cart }],
  });
  expect(
    (await failure(waymark('simulate', 'abandoned-cart', '--profile', profile, '--events', past))).message,
  ).toMatch(/^waymark: start 2020-01-01T00:00:00.000Z is in the past/);

  expect(
    (await failure(waymark('simulate', 'abandoned-cart', '--profile', '/nope.json', '--events', past))).message,
  ).toBe('waymark: --profile /nope.json: cannot read it (ENOENT)');
}, 180_000);
