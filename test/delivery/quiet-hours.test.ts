import { effectiveZone, parseQuietHours, quietHoursEnd } from '../../delivery/quiet-hours';

describe('quiet hours', () => {
  const overnight = parseQuietHours('21:00-08:00');

  it('parses HH:mm-HH:mm and treats empty or zero-length as none', () => {
    expect(overnight).toEqual({ start: 21 * 60, end: 8 * 60 });
    expect(parseQuietHours('')).toBeUndefined();
    expect(parseQuietHours('12:00-12:00')).toBeUndefined();
    expect(() => parseQuietHours('9pm-8am')).toThrow(/21:00-08:00/);
    expect(() => parseQuietHours('24:00-08:00')).toThrow();
  });

  it('lets a send through outside the window', () => {
    expect(quietHoursEnd(new Date('2026-03-10T12:00:00Z'), 'UTC', overnight)).toBeUndefined();
    expect(quietHoursEnd(new Date('2026-03-10T08:00:00Z'), 'UTC', overnight)).toBeUndefined();
    expect(quietHoursEnd(new Date('2026-03-10T20:59:59Z'), 'UTC', overnight)).toBeUndefined();
  });

  it('defers a late-evening send to the next morning and an early one to the same morning', () => {
    expect(quietHoursEnd(new Date('2026-03-10T22:30:00Z'), 'UTC', overnight)?.toISOString()).toBe(
      '2026-03-11T08:00:00.000Z',
    );
    expect(quietHoursEnd(new Date('2026-03-10T21:00:00Z'), 'UTC', overnight)?.toISOString()).toBe(
      '2026-03-11T08:00:00.000Z',
    );
    expect(quietHoursEnd(new Date('2026-03-10T03:15:00Z'), 'UTC', overnight)?.toISOString()).toBe(
      '2026-03-10T08:00:00.000Z',
    );
  });

  it('judges the customer’s own wall clock', () => {
    // 15:00 UTC is 23:00 in Singapore (UTC+8): quiet until 08:00 local = 00:00 UTC the next day.
    expect(quietHoursEnd(new Date('2026-03-10T15:00:00Z'), 'Asia/Singapore', overnight)?.toISOString()).toBe(
      '2026-03-11T00:00:00.000Z',
    );
    // 15:00 UTC is 10:00 in New York (EST): not quiet.
    expect(quietHoursEnd(new Date('2026-03-06T15:00:00Z'), 'America/New_York', overnight)).toBeUndefined();
  });

  it('follows daylight saving time: the opening stays 08:00 local', () => {
    // US DST starts 2026-03-08: 08:00 EDT is 12:00 UTC, 08:00 EST the day before is 13:00 UTC.
    expect(quietHoursEnd(new Date('2026-03-08T05:00:00Z'), 'America/New_York', overnight)?.toISOString()).toBe(
      '2026-03-08T12:00:00.000Z',
    );
    expect(quietHoursEnd(new Date('2026-03-07T05:00:00Z'), 'America/New_York', overnight)?.toISOString()).toBe(
      '2026-03-07T13:00:00.000Z',
    );
  });

  it('handles a daytime window that does not cross midnight', () => {
    const lunch = parseQuietHours('12:00-13:30');
    expect(quietHoursEnd(new Date('2026-03-10T12:45:00Z'), 'UTC', lunch)?.toISOString()).toBe(
      '2026-03-10T13:30:00.000Z',
    );
    expect(quietHoursEnd(new Date('2026-03-10T13:30:00Z'), 'UTC', lunch)).toBeUndefined();
    expect(quietHoursEnd(new Date('2026-03-10T23:00:00Z'), 'UTC', lunch)).toBeUndefined();
  });

  it('falls back to the default zone for a missing or unknown profile zone', () => {
    expect(effectiveZone('Europe/Berlin', 'UTC')).toBe('Europe/Berlin');
    expect(effectiveZone('Mars/Olympus', 'UTC')).toBe('UTC');
    expect(effectiveZone(undefined, 'Europe/Paris')).toBe('Europe/Paris');
  });
});
