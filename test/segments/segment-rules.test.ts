// Segment membership and the engagement score as pure functions: behaviour windows, filters, entering and leaving,
// decay and the explanation.
import { diffMembership, evaluateSegments, recordBehaviour } from '../../routing/segment-rules';
import {
  applyScoreEvent,
  defineSegment,
  emailReachableV1,
  engagementScore,
  newestSegments,
  scoreValueAt,
  segmentCatalog,
  windowShoppersV1,
} from '../../segments';
import type { JourneyEvent } from '../../signals';

const DAY = 24 * 60 * 60 * 1000;
const t0 = Date.parse('2026-03-01T00:00:00Z');
const event = (id: string, signal: string, dayOffset: number, data: Record<string, unknown>): JourneyEvent => ({
  id,
  signal,
  version: 1,
  customerId: 'c',
  occurredAt: new Date(t0 + dayOffset * DAY).toISOString(),
  data,
});
const view = (id: string, day: number) =>
  event(id, 'product.viewed', day, { productId: 'p', name: 'P', url: 'https://shop.example/p' });

test('a behaviour window holds from the third view within 7 days, and lapses 7 days after the oldest counted one', () => {
  const segments = [windowShoppersV1];
  let behaviour = recordBehaviour(segments, undefined, view('v1', 0));
  behaviour = recordBehaviour(segments, behaviour, view('v2', 2));
  expect(evaluateSegments(segments, { behaviour }, new Date(t0 + 2 * DAY)).inside).toEqual([]);
  behaviour = recordBehaviour(segments, behaviour, view('v3', 3));
  const inside = evaluateSegments(segments, { behaviour }, new Date(t0 + 3 * DAY));
  expect(inside.inside.map((s) => s.name)).toEqual(['window-shoppers']);
  expect(inside.recheckAt?.toISOString()).toBe(new Date(t0 + 7 * DAY).toISOString());
  expect(evaluateSegments(segments, { behaviour }, new Date(t0 + 7 * DAY + 1)).inside).toEqual([]);
  // A fourth view keeps the latest three: the window now lapses 7 days after v2.
  behaviour = recordBehaviour(segments, behaviour, view('v4', 6));
  expect(evaluateSegments(segments, { behaviour }, new Date(t0 + 8 * DAY)).inside).toHaveLength(1);
});

test('a re-routed event is not counted twice; a late event is counted in its place', () => {
  const segments = [windowShoppersV1];
  const once = recordBehaviour(segments, undefined, view('v1', 5));
  expect(recordBehaviour(segments, once, view('v1', 5))).toBe(once);
  const late = recordBehaviour(segments, once, view('v0', 1))!;
  expect(Object.values(late)[0].map((e) => e.split('|')[1])).toEqual(['v0', 'v1']);
});

test('filters read profile fields and consent with MongoDB semantics', () => {
  const now = new Date(t0);
  const reachable = { email: 'a@example.com', consent: { email: { status: 'granted' } } };
  expect(evaluateSegments([emailReachableV1], reachable, now).inside).toHaveLength(1);
  expect(evaluateSegments([emailReachableV1], { consent: { email: { status: 'granted' } } }, now).inside).toEqual([]);
});

test('membership diffs name who entered and who left, and keep `since` for those who stay', () => {
  const since = new Date(t0);
  const { memberships, changes } = diffMembership(
    [
      { name: 'engaged', version: 1, since },
      { name: 'premium-plan', version: 1, since },
    ],
    newestSegments(segmentCatalog).filter((s) => s.name === 'engaged' || s.name === 'email-reachable'),
    new Date(t0 + DAY),
  );
  expect(changes).toEqual([
    { segment: 'email-reachable', version: 1, change: 'entered' },
    { segment: 'premium-plan', version: 1, change: 'exited' },
  ]);
  expect(memberships.find((m) => m.name === 'engaged')!.since).toBe(since);
});

test('segment definitions are checked where they are written', () => {
  expect(() => defineSegment({ name: 'Bad Name', version: 1, description: 'x', filter: {} })).toThrow(/kebab-case/);
  expect(() =>
    defineSegment({
      name: 'x',
      version: 1,
      description: 'x',
      filter: {},
      behaviour: [{ name: 'w', signal: windowShoppersV1.behaviour![0].signal, atLeast: 0, withinDays: 7 }],
    }),
  ).toThrow(/atLeast/);
});

describe('engagement score', () => {
  it('adds what each event contributes, explains the moves, and fades with time', () => {
    let score = applyScoreEvent(engagementScore, undefined, view('v1', 0));
    score = applyScoreEvent(
      engagementScore,
      score,
      event('o1', 'order.completed', 1, { orderId: 'o', cartId: 'c', total: 200 }),
    );
    expect(score!.moves.map((m) => [m.eventId, m.signal])).toEqual([
      ['v1', 'product.viewed'],
      ['o1', 'order.completed'],
    ]);
    expect(score!.moves[1].parts).toEqual({ frequency: 3, monetary: 200 });
    expect(score!.moves[1].delta).toBeGreaterThan(10);
    const later = scoreValueAt(engagementScore, score!, new Date(t0 + 31 * DAY));
    expect(later).toBeLessThan(score!.value / 1.5);
  });

  it('counts an event once, and ignores signals the model does not score', () => {
    const once = applyScoreEvent(engagementScore, undefined, view('v1', 0));
    expect(applyScoreEvent(engagementScore, once, view('v1', 0))).toBe(once);
    expect(applyScoreEvent(engagementScore, once, event('x', 'consent.changed', 1, {}))).toBe(once);
  });

  it('counts a late event faded by its age', () => {
    const now = applyScoreEvent(engagementScore, undefined, view('v2', 30));
    const withLate = applyScoreEvent(engagementScore, now, view('v1', 0))!;
    expect(withLate.asOf).toBe(now!.asOf);
    expect(withLate.parts.visitDepth).toBeCloseTo(1.5, 5); // 1 + 1 faded by one 30-day half-life
  });
});
