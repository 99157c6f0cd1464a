import type { Config } from '../config';
import type { SmsClient } from './providers/twilio-client';
import type { RenderedTemplates } from './render';

/** The status callback URL carries the ledger id, so a callback can settle a delivery whose ledger write was lost. */
export function smsStatusCallbackUrl(publicUrl: string, deliveryId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/v1/webhooks/twilio/status?delivery=${encodeURIComponent(deliveryId)}`;
}

/** The text as sent: carriers expect opt-out instructions, added unless the template already says how. */
export function smsBody(content: RenderedTemplates['sms']): string {
  return /\bSTOP\b/.test(content.body) ? content.body : `${content.body} Reply STOP to opt out.`;
}

export interface SmsInput {
  config: Pick<Config, 'TWILIO_FROM' | 'PUBLIC_URL'>;
  twilio: SmsClient;
  deliveryId: string;
  to: string;
  content: RenderedTemplates['sms'];
  signal?: AbortSignal;
}

/** Sends one SMS; resolves with the message SID once Twilio accepted it, rejects with Twilio's RestException. */
export function sendSms({ config, twilio, deliveryId, to, content, signal }: SmsInput): Promise<string> {
  const statusCallback = smsStatusCallbackUrl(config.PUBLIC_URL, deliveryId);
  return twilio.send({ to, from: config.TWILIO_FROM, body: smsBody(content), statusCallback }, signal);
}

/**
 * The SID of this delivery's SMS if Twilio holds one: an attempt whose answer was lost (a timeout, a 5xx, a worker
 * killed after Twilio accepted) is settled by looking for the same text to the same number since the claim.
 */
export function findSentSms(input: Omit<SmsInput, 'deliveryId'> & { since: Date }): Promise<string | undefined> {
  const { config, twilio, to, content, since, signal } = input;
  return twilio.findSent({ to, from: config.TWILIO_FROM, body: smsBody(content), since }, signal);
}
