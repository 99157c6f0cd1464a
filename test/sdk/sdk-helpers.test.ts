// Pure helpers of the journey SDK: durations, the split hash and arm assignment.
import { toDate } from '../../sdk/dates';
import { durationToMs, formatDuration } from '../../sdk/durations';
import { assignArm, fnv1a32, pickArm, splitBucket } from '../../sdk/split';

describe('durationToMs', () => {
  test.each([
    ['1 hour', 3_600_000],
    ['1h', 3_600_000],
    ['24 hours', 86_400_000],
    ['30 days', 2_592_000_000],
    ['90 seconds', 90_000],
    ['15 min', 900_000],
    ['1.5 hours', 5_400_000],
    ['2 weeks', 1_209_600_000],
    [1500, 1500],
  ])('%p is %p ms', (input, expected) => {
    expect(durationToMs(input)).toBe(expected);
  });

  test.each(['soon', '1 fortnight', '', 'hour', '-1 hour'])('rejects %p, naming it', (input) => {
    expect(() => durationToMs(input)).toThrow(`invalid duration: '${input}'`);
  });

  test('rejects negative and non-finite numbers', () => {
    expect(() => durationToMs(-1)).toThrow('invalid duration');
    expect(() => durationToMs(Number.NaN)).toThrow('invalid duration');
  });
});

describe('formatDuration', () => {
  test.each([
    [3_600_000, '1 hour'],
    [86_400_000 + 3_600_000, '1 day 1 hour'],
    [2 * 86_400_000 + 3 * 3_600_000 + 5 * 60_000, '2 days 3 hours'],
    [90_000, '1 minute 30 seconds'],
    [250, '250 ms'],
  ])('%p ms reads %p', (ms, words) => {
    expect(formatDuration(ms)).toBe(words);
  });
});

test('toDate rejects a date that does not parse', () => {
  expect(toDate('2026-03-01').toISOString()).toBe('2026-03-01T00:00:00.000Z');
  expect(() => toDate('next tuesday')).toThrow('invalid date: next tuesday');
});

describe('splits', () => {
  test('fnv1a32 matches the reference vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  test('the bucket depends on the workflow id and the split name, and stays in [0, 1)', () => {
    const a = splitBucket('abandoned-cart/c1/cart1', 'channel');
    expect(splitBucket('abandoned-cart/c1/cart1', 'channel')).toBe(a);
    expect(splitBucket('abandoned-cart/c1/cart2', 'channel')).not.toBe(a);
    expect(splitBucket('abandoned-cart/c1/cart1', 'subject')).not.toBe(a);
    for (let i = 0; i < 1000; i++) {
      const b = splitBucket(`run-${i}`, 'x');
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(1);
    }
  });

  test('pickArm follows cumulative weights in written order', () => {
    const weights = { control: 1, email: 2, sms: 1 };
    expect(pickArm(weights, 0)).toBe('control');
    expect(pickArm(weights, 0.2499)).toBe('control');
    expect(pickArm(weights, 0.25)).toBe('email');
    expect(pickArm(weights, 0.7499)).toBe('email');
    expect(pickArm(weights, 0.75)).toBe('sms');
    expect(pickArm(weights, 0.99999)).toBe('sms');
    expect(pickArm({ only: 0, all: 5 }, 0)).toBe('all');
  });

  test('pickArm rejects splits without a positive weight', () => {
    expect(() => pickArm({}, 0.5)).toThrow('at least one arm');
    expect(() => pickArm({ a: 0, b: 0 }, 0.5)).toThrow('positive total weight');
    expect(() => pickArm({ a: -1, b: 2 }, 0.5)).toThrow("arm 'a' has an invalid weight");
  });

  test('assignments are stable for a run and spread across arms by weight', () => {
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10_000; i++) {
      const id = `abandoned-cart/customer-${i}/cart-${i}`;
      const arm = assignArm(id, 'experiment', { a: 1, b: 1, c: 2 });
      expect(assignArm(id, 'experiment', { a: 1, b: 1, c: 2 })).toBe(arm);
      counts[arm]++;
    }
    expect(counts.a / 10_000).toBeCloseTo(0.25, 1);
    expect(counts.b / 10_000).toBeCloseTo(0.25, 1);
    expect(counts.c / 10_000).toBeCloseTo(0.5, 1);
  });
});
