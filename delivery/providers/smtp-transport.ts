import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Config } from '../../config';

/** The pooled SMTP transport the send path sends email through. */
export type Mailer = Transporter<SMTPTransport.SentMessageInfo>;

/**
 * One pooled SMTP transport per process, from SMTP_URL (nodemailer's URL syntax: `smtp://user:pass@host:587`,
 * `smtps://...`, query options such as `?maxConnections=5`). Pooling keeps connections open across sends.
 */
export function createMailer(config: Pick<Config, 'SMTP_URL'>): Mailer {
  const url = new URL(config.SMTP_URL);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  return nodemailer.createTransport(url.toString());
}
