import { StreamCursor } from '../../api/stream-cursor';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
const doc = (id: string, ms: number) => ({ id, createdAt: at(ms) });

describe('StreamCursor', () => {
  it('sends each document once, also equal timestamps and late writes inside the lookback', () => {
    const cursor = new StreamCursor(at(0), 1_000);
    expect(cursor.unsent([doc('a', 10), doc('b', 10)]).map((d) => d.id)).toEqual(['a', 'b']);
    // The next poll reads from the floor again: a and b come back and are not repeated; c shares their millisecond.
    expect(cursor.floor()).toEqual(at(10 - 1_000));
    expect(cursor.unsent([doc('a', 10), doc('b', 10), doc('c', 10)]).map((d) => d.id)).toEqual(['c']);
    // A slow clock stamped d before c; it still arrives.
    expect(cursor.unsent([doc('d', 5), doc('a', 10), doc('b', 10), doc('c', 10)]).map((d) => d.id)).toEqual(['d']);
  });

  it('forgets ids that fell out of the window, so memory stays bounded', () => {
    const cursor = new StreamCursor(at(0), 100);
    cursor.unsent([doc('old', 0)]);
    cursor.unsent([doc('new', 1_000)]);
    expect(cursor.floor()).toEqual(at(900));
    // Reading from the floor, the old one is never asked about again; a copy of it inside the window would be new.
    expect(cursor.unsent([doc('new', 1_000)])).toEqual([]);
  });

  it('does not resend the message a reconnecting client names as its last one', () => {
    const cursor = new StreamCursor(at(500), 1_000);
    cursor.markSent(doc('last', 500));
    expect(cursor.unsent([doc('before', 400), doc('last', 500), doc('after', 600)]).map((d) => d.id)).toEqual([
      'before',
      'after',
    ]);
  });
});
