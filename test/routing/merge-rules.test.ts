// The merge rules of docs/identity.md, as pure functions.
import { mergeChannelConsent, mergedProfileFields } from '../../routing/merge-rules';
import { applyScoreEvent, engagementScore } from '../../segments';
import type { JourneyEvent } from '../../signals';

const at = new Date('2026-03-01T12:00:00Z');
const view = (id: string, occurredAt: string): JourneyEvent => ({
  id,
  signal: 'product.viewed',
  version: 1,
  customerId: 'x',
  occurredAt,
  data: { productId: 'p', name: 'P', url: 'https://shop.example/p' },
});

describe('consent', () => {
  it.each([
    ['granted', 'revoked', 'revoked'],
    ['revoked', 'granted', 'revoked'],
    ['granted', 'unknown', 'granted'],
    ['unknown', 'granted', 'granted'],
    ['unknown', 'unknown', 'unknown'],
  ] as const)('known %s + visitor %s = %s (the more restrictive statement; unknown states nothing)', (k, v, merged) => {
    expect(mergeChannelConsent({ status: k }, { status: v }, undefined, at).status).toBe(merged);
  });

  it('keeps a topic opt-out from either side', () => {
    const merged = mergeChannelConsent(
      { status: 'granted', topics: { offers: true, news: true } },
      { status: 'unknown', topics: { offers: false } },
      undefined,
      at,
    );
    expect(merged.topics).toEqual({ offers: false, news: true });
    expect(merged.source).toBe('merge');
  });

  it('what the customer states now wins over both', () => {
    const merged = mergeChannelConsent({ status: 'revoked' }, { status: 'revoked' }, { status: 'granted' }, at);
    expect(merged).toMatchObject({ status: 'granted', source: 'identify' });
  });
});

describe('profile fields, traits and score', () => {
  it("keeps the known customer's fields and traits, fills gaps from the visitor, lets stated traits win", () => {
    const set = mergedProfileFields(
      { _id: 'k', email: 'k@example.com', firstName: 'Kim', attributes: { plan: 'basic', city: 'Lyon' } },
      {
        _id: 'anon:v',
        timeZone: 'Europe/Paris',
        firstName: 'Visitor',
        attributes: { plan: 'trial', lastCategory: 'tents' },
      },
      { traits: { city: 'Paris' } },
      engagementScore,
      at,
    );
    expect(set.firstName).toBeUndefined();
    expect(set.timeZone).toBe('Europe/Paris');
    expect(set.attributes).toEqual({ plan: 'basic', lastCategory: 'tents', city: 'Paris' });
  });

  it('adds both scores up, faded to the later one, keeping the moves of both', () => {
    const known = applyScoreEvent(engagementScore, undefined, view('k1', '2026-03-01T10:00:00Z'))!;
    const visitor = applyScoreEvent(engagementScore, undefined, view('v1', '2026-03-01T11:00:00Z'))!;
    const set = mergedProfileFields(
      { _id: 'k', score: known },
      { _id: 'anon:v', score: visitor },
      {},
      engagementScore,
      at,
    );
    const score = set.score as typeof known;
    expect(score.moves.map((m) => m.eventId)).toEqual(['k1', 'v1']);
    expect(score.parts.visitDepth).toBeGreaterThan(1.99);
    expect(score.value).toBeGreaterThan(visitor.value);
  });

  it('changes nothing when there is nothing to merge', () => {
    expect(mergedProfileFields({ _id: 'k', email: 'k@example.com' }, undefined, {}, engagementScore, at)).toEqual({});
  });
});
