import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived customer tokens: what a browser shows to read one customer's web messages, minted by the site's
 * backend (POST /v1/customer-tokens). `<base64url({"c":customerId,"exp":unixSeconds})>.<base64url(hmac-sha256)>`.
 */
export interface CustomerTokenClaims {
  customerId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export function signCustomerToken(claims: CustomerTokenClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ c: claims.customerId, exp: claims.exp })).toString('base64url');
  return `${payload}.${mac(payload, secret)}`;
}

export type CustomerTokenCheck =
  { valid: true; claims: CustomerTokenClaims } | { valid: false; reason: 'malformed' | 'signature' | 'expired' };

/** A token this secret signed and that has not expired at `now`; forged, altered and expired ones are refused. */
export function verifyCustomerToken(token: string, secret: string, now = new Date()): CustomerTokenCheck {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return { valid: false, reason: 'malformed' };
  const expected = Buffer.from(mac(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { valid: false, reason: 'signature' };
  let parsed: { c?: unknown; exp?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (typeof parsed.c !== 'string' || typeof parsed.exp !== 'number') return { valid: false, reason: 'malformed' };
  if (parsed.exp * 1000 <= now.getTime()) return { valid: false, reason: 'expired' };
  return { valid: true, claims: { customerId: parsed.c, exp: parsed.exp } };
}

function mac(payload: string, secret: string): string {
  return createHmac('sha256', `customer-token:${secret}`).update(payload).digest('base64url');
}
