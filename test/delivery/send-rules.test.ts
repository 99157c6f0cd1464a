import { decideConsent } from '../../delivery/consent';
import { capFor, parseFrequencyCaps } from '../../delivery/frequency-cap-rules';
import { capWindow } from '../../delivery/frequency-caps';

describe('consent decisions', () => {
  const profile = (consent: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
    email: 'ada@example.test',
    phone: '+15005550006',
    consent,
    ...more,
  });

  it('needs granted consent for email and sms; unknown is not granted', () => {
    expect(decideConsent(profile({ sms: { status: 'granted' } }), 'sms', undefined, false)).toEqual({
      allowed: true,
      address: '+15005550006',
    });
    expect(decideConsent(profile({ sms: { status: 'unknown' } }), 'sms', undefined, false)).toMatchObject({
      allowed: false,
    });
    expect(decideConsent(profile({}), 'email', undefined, false)).toEqual({
      allowed: false,
      reason: 'no email consent',
    });
    expect(decideConsent(profile({}), 'web', undefined, false)).toEqual({ allowed: true });
  });

  it('lets a legally required notice past a topic opt-out but never past a revoked channel', () => {
    const topics = new Map([['renewals', false]]);
    const optedOut = profile({ email: { status: 'granted', topics } });
    expect(decideConsent(optedOut, 'email', 'renewals', false)).toEqual({
      allowed: false,
      reason: 'opted out of renewals by email',
    });
    expect(decideConsent(optedOut, 'email', 'renewals', true)).toMatchObject({ allowed: true });
    expect(decideConsent(optedOut, 'email', 'offers', false)).toMatchObject({ allowed: true });
    const revoked = profile({ email: { status: 'revoked' } });
    expect(decideConsent(revoked, 'email', 'renewals', true)).toEqual({
      allowed: false,
      reason: 'email consent revoked',
    });
  });

  it('blocks without an address or a profile', () => {
    expect(
      decideConsent(profile({ sms: { status: 'granted' } }, { phone: undefined }), 'sms', undefined, false),
    ).toEqual({ allowed: false, reason: 'no phone number' });
    expect(decideConsent(null, 'web', undefined, false)).toEqual({ allowed: false, reason: 'no profile' });
  });
});

describe('frequency cap rules', () => {
  it('reads channel caps and per-journey limits', () => {
    const caps = parseFrequencyCaps('sms=1/day, email=3/week, renewal-window:email=5');
    expect(capFor(caps, 'abandoned-cart', 'sms')).toEqual({ limit: 1, period: 'day' });
    expect(capFor(caps, 'abandoned-cart', 'email')).toEqual({ limit: 3, period: 'week' });
    expect(capFor(caps, 'renewal-window', 'email')).toEqual({ limit: 5, period: 'week' });
    expect(capFor(caps, 'renewal-window', 'web')).toBeUndefined();
  });

  it('refuses what it cannot read', () => {
    expect(() => parseFrequencyCaps('sms=1/month')).toThrow(/sms=1\/month/);
    expect(() => parseFrequencyCaps('fax=1/day')).toThrow();
    expect(() => parseFrequencyCaps('renewal-window:web=2')).toThrow(/web has none/);
  });

  it('windows are the customer’s local day and ISO week', () => {
    const at = new Date('2026-03-11T23:30:00Z'); // Wednesday; Thursday 08:30 in Tokyo
    expect(capWindow(at, 'UTC', 'day')).toEqual({
      key: 'day:2026-03-11',
      start: new Date('2026-03-11T00:00:00Z'),
      end: new Date('2026-03-12T00:00:00Z'),
    });
    expect(capWindow(at, 'Asia/Tokyo', 'day').key).toBe('day:2026-03-12');
    expect(capWindow(at, 'UTC', 'week')).toMatchObject({
      key: 'week:2026-03-09',
      end: new Date('2026-03-16T00:00:00Z'),
    });
  });
});
