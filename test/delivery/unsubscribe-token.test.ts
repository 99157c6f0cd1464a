import { signUnsubscribeToken, verifyUnsubscribeToken } from '../../delivery/unsubscribe-token';

describe('unsubscribe tokens', () => {
  const secret = 'test-secret';

  it('round-trips customer, channel and topic', () => {
    const token = signUnsubscribeToken({ customerId: 'c-1', channel: 'email', topic: 'offers' }, secret);
    expect(verifyUnsubscribeToken(token, secret)).toEqual({ customerId: 'c-1', channel: 'email', topic: 'offers' });
    const whole = signUnsubscribeToken({ customerId: 'c-1', channel: 'sms' }, secret);
    expect(verifyUnsubscribeToken(whole, secret)).toEqual({ customerId: 'c-1', channel: 'sms' });
  });

  it('rejects another secret, an altered payload and garbage', () => {
    const token = signUnsubscribeToken({ customerId: 'c-1', channel: 'email' }, secret);
    expect(verifyUnsubscribeToken(token, 'other-secret')).toBeUndefined();
    const [, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ c: 'c-2', ch: 'email' })).toString('base64url');
    expect(verifyUnsubscribeToken(`${forged}.${signature}`, secret)).toBeUndefined();
    expect(verifyUnsubscribeToken('nonsense', secret)).toBeUndefined();
    expect(verifyUnsubscribeToken(`${token}.x`, secret)).toBeUndefined();
    expect(verifyUnsubscribeToken('', secret)).toBeUndefined();
  });

  it('is URL-safe', () => {
    const token = signUnsubscribeToken({ customerId: 'c/ü?&=', channel: 'email', topic: 'a b' }, secret);
    expect(encodeURIComponent(token)).toBe(token);
  });
});
