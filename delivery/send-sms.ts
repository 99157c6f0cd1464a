import type { Config } from '../config';
import type { SmsClient } from './providers/twilio-client';
import type { RenderedTemplates } from './render';

/** The status callback URL carries the ledger id, so a callback can settle a delivery whose ledger write was lost. */
export function smsStatusCallbackUrl(publicUrl: string, deliveryId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/v1/webhooks/twilio/status?delivery=${encodeURIComponent(deliveryId)}`;
}

export interface SmsInput {
  config: Pick<Config, 'TWILIO_FROM' | 'PUBLIC_URL'>;
  twilio: SmsClient;
  deliveryId: string;
  to: string;
  content: RenderedTemplates['sms'];
}

/** Sends one SMS; resolves with the message SID once Twilio accepted it, rejects with Twilio's RestException. */
export async function sendSms({ config, twilio, deliveryId, to, content }: SmsInput): Promise<string> {
  // Carriers expect opt-out instructions; added unless the template already says how.
  const body = /\bSTOP\b/.test(content.body) ? content.body : `${content.body} Reply STOP to opt out.`;
  const message = await twilio.messages.create({
    to,
    from: config.TWILIO_FROM,
    body,
    statusCallback: smsStatusCallbackUrl(config.PUBLIC_URL, deliveryId),
  });
  return message.sid;
}
