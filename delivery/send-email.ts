import { createHash } from 'node:crypto';
import type { Config } from '../config';
import type { DeliveryRequest } from '../sdk/contracts/journey-activities';
import escapeHtml from 'escape-html';
import type { Mailer } from './providers/smtp-transport';
import type { RenderedTemplates } from './render';
import { signUnsubscribeToken, unsubscribeUrl } from './unsubscribe-token';
import { whyUrl, whyYouGotThis } from './why-you-got-this';

/**
 * The Message-ID is a function of the ledger id: every attempt of one delivery carries the same one, so a bounce,
 * a complaint or a receiving system can tie a copy to its ledger entry (and dedupe a copy, should one ever exist).
 */
export function emailMessageId(deliveryId: string, emailFrom: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(emailFrom)?.[1] ?? 'waymark.local';
  return `<${createHash('sha256').update(deliveryId).digest('hex').slice(0, 40)}@${domain}>`;
}

export interface EmailInput {
  config: Pick<Config, 'EMAIL_FROM' | 'PUBLIC_URL' | 'UNSUBSCRIBE_SECRET'>;
  mailer: Mailer;
  request: DeliveryRequest;
  deliveryId: string;
  to: string;
  content: RenderedTemplates['email'];
  signal?: AbortSignal;
}

/** Sends one email; resolves with the Message-ID once the SMTP server accepted it, rejects with nodemailer's error. */
export async function sendEmail({
  config,
  mailer,
  request,
  deliveryId,
  to,
  content,
  signal,
}: EmailInput): Promise<string> {
  const token = signUnsubscribeToken(
    { customerId: request.customerId, channel: 'email', ...(request.topic ? { topic: request.topic } : {}) },
    config.UNSUBSCRIBE_SECRET,
  );
  const link = unsubscribeUrl(config.PUBLIC_URL, token);
  const why = whyYouGotThis(request);
  const explained = whyUrl(config.PUBLIC_URL, token, request.journey);
  const what = request.topic ? `${request.topic} emails` : 'these emails';
  const messageId = emailMessageId(deliveryId, config.EMAIL_FROM);
  await mailer.sendMail(
    {
      from: config.EMAIL_FROM,
      to,
      subject: content.subject,
      messageId,
      html:
        `${content.html}\n<hr><p style="font-size:12px;color:#666">${escapeHtml(why)} ` +
        `<a href="${escapeHtml(explained)}">Why?</a> <a href="${escapeHtml(link)}">Unsubscribe from ${escapeHtml(what)}</a>.</p>`,
      text: `${content.text}\n\n--\n${why}\nWhy: ${explained}\nUnsubscribe from ${what}: ${link}\n`,
      // RFC 8058 one-click: an https URL only (no mailto), POSTed to with `List-Unsubscribe=One-Click`.
      headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    },
    { signal },
  );
  return messageId;
}
