import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DeliveryChannel } from '../sdk/contracts/journey-activities';

/** What an unsubscribe link may revoke: one topic on a channel, or the whole channel when `topic` is absent. */
export interface UnsubscribeClaims {
  customerId: string;
  channel: DeliveryChannel;
  topic?: string;
}

const CHANNELS: readonly DeliveryChannel[] = ['email', 'sms', 'web'];

/**
 * `<base64url(json)>.<base64url(hmac-sha256)>`. No expiry on purpose: an unsubscribe link in an old mail must keep
 * working (RFC 8058 and the mailbox providers expect that); the token can only revoke, never grant.
 */
export function signUnsubscribeToken(claims: UnsubscribeClaims, secret: string): string {
  const payload = Buffer.from(
    JSON.stringify({ c: claims.customerId, ch: claims.channel, ...(claims.topic ? { t: claims.topic } : {}) }),
  ).toString('base64url');
  return `${payload}.${mac(payload, secret)}`;
}

/** The claims of a token this secret signed, or undefined for anything forged, altered or malformed. */
export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeClaims | undefined {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return undefined;
  const expected = Buffer.from(mac(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      c?: unknown;
      ch?: unknown;
      t?: unknown;
    };
    if (typeof parsed.c !== 'string' || !CHANNELS.includes(parsed.ch as DeliveryChannel)) return undefined;
    const topic = typeof parsed.t === 'string' ? parsed.t : undefined;
    return { customerId: parsed.c, channel: parsed.ch as DeliveryChannel, ...(topic ? { topic } : {}) };
  } catch {
    return undefined;
  }
}

function mac(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** The https link for the List-Unsubscribe header and the footer (GET shows a page, POST is one-click). */
export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/v1/unsubscribe?token=${encodeURIComponent(token)}`;
}
