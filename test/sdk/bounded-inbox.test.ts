// The run's inbox and journal stay bounded and survive continue-as-new (sdk/inbox.ts, sdk/journal.ts): pure logic.
import { Inbox } from '../../sdk/inbox';
import { Journal, oneEvent } from '../../sdk/journal';
import { RETAINED_EVENT_BYTES, RETAINED_EVENTS_PER_SIGNAL, SEEN_EVENT_KEYS } from '../../sdk/run-limits';
import type { JourneyEvent } from '../../signals/define-signal';

const event = (n: number, signal = 'cart.updated', source?: string): JourneyEvent => ({
  id: `e${n}`,
  ...(source === undefined ? {} : { source }),
  signal,
  version: 1,
  customerId: 'c1',
  occurredAt: '2026-11-30T00:00:00.000Z',
  data: { n },
});

test('the inbox keeps the newest events per signal, counts all of them and drops a copy it has seen', () => {
  const inbox = new Inbox();
  const total = RETAINED_EVENTS_PER_SIGNAL * 5;
  for (let n = 0; n < total; n++) expect(inbox.receive(event(n))).toBe(true);
  expect(inbox.receive(event(total - 1))).toBe(false);
  // The same id from another source is another event.
  expect(inbox.receive(event(total - 1, 'cart.updated', 'pos'))).toBe(true);
  expect(inbox.countOf('cart.updated')).toBe(total + 1);
  expect(inbox.all('cart.updated')).toHaveLength(RETAINED_EVENTS_PER_SIGNAL);
  expect(inbox.latest('cart.updated')?.source).toBe('pos');
  expect(inbox.latest('order.completed')).toBeUndefined();
});

test('large events are kept within a byte budget; the newest of every signal always stays', () => {
  const inbox = new Inbox();
  const big = (n: number, signal: string): JourneyEvent => ({
    ...event(n, signal),
    data: { blob: 'x'.repeat(60_000) },
  });
  inbox.receive(big(0, 'order.completed'));
  for (let n = 1; n <= RETAINED_EVENTS_PER_SIGNAL; n++) inbox.receive(big(n, 'cart.updated'));
  const { retained } = inbox.snapshot();
  expect(JSON.stringify(retained).length).toBeLessThanOrEqual(RETAINED_EVENT_BYTES + 1024);
  expect(inbox.all('cart.updated').length).toBeLessThan(RETAINED_EVENTS_PER_SIGNAL);
  expect(inbox.latest('cart.updated')?.id).toBe(`e${RETAINED_EVENTS_PER_SIGNAL}`);
  expect(inbox.latest('order.completed')?.id).toBe('e0');
  expect(inbox.countOf('cart.updated')).toBe(RETAINED_EVENTS_PER_SIGNAL);
});

test('the seen keys are bounded: the oldest are forgotten first', () => {
  const inbox = new Inbox();
  for (let n = 0; n < SEEN_EVENT_KEYS + 10; n++) inbox.receive(event(n));
  const { seen } = inbox.snapshot();
  expect(seen).toHaveLength(SEEN_EVENT_KEYS);
  expect(seen[0]).toBe('api|e10');
  expect(inbox.receive(event(SEEN_EVENT_KEYS + 9))).toBe(false);
});

test('an inbox restored from its snapshot (JSON, as continue-as-new carries it) answers the same', () => {
  const inbox = new Inbox();
  for (let n = 0; n < 30; n++) inbox.receive(event(n));
  inbox.receive(event(100, 'order.completed'));
  const restored = new Inbox(JSON.parse(JSON.stringify(inbox.snapshot())));
  expect(restored.size).toBe(31);
  expect(restored.countOf('cart.updated')).toBe(30);
  expect(restored.latest('cart.updated')).toEqual(event(29));
  expect(restored.all('cart.updated')).toEqual(inbox.all('cart.updated'));
  expect(restored.receive(event(29))).toBe(false);
  expect(restored.receive(event(30))).toBe(true);
});

test('a journal restored from its snapshot answers the calls made so far, then runs live', async () => {
  const journal = new Journal();
  const live: string[] = [];
  await journal.op('sleep', async () => void live.push('sleep'));
  expect(journal.read('latest', () => event(1), oneEvent)).toEqual(event(1));
  await journal.op('send', async () => (live.push('send'), { status: 'sent' }));
  let release!: () => void;
  const pending = journal.op('quietFor', () => new Promise<void>((resolve) => (release = resolve)));
  expect(journal.pendingOp()).toBe('quietFor');

  const snapshot = JSON.parse(JSON.stringify(journal.snapshot()));
  expect(snapshot.entries.map((e: { op: string }) => e.op)).toEqual(['sleep', 'latest', 'send']);
  const next = new Journal(snapshot);
  expect(next.replaying).toBe(true);
  await next.op('sleep', async () => void live.push('sleep again'));
  expect(next.read('latest', () => event(2), oneEvent)).toEqual(event(1));
  expect(await next.op('send', async () => (live.push('send again'), { status: 'sent' }))).toEqual({ status: 'sent' });
  expect(next.replaying).toBe(false);
  await next.op('quietFor', async () => void live.push('quiet resumed'));
  expect(live).toEqual(['sleep', 'send', 'quiet resumed']);
  release();
  await pending;
});

test('a journal that meets another call than it recorded says the code changed under a running version', async () => {
  const journal = new Journal();
  await journal.op('sleep', async () => undefined);
  const next = new Journal(journal.snapshot());
  await expect(next.op('send', async () => undefined)).rejects.toThrow(
    /called send where its earlier run called sleep/,
  );
});
