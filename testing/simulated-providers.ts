import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type MailMessage from 'nodemailer/lib/mailer/mail-message';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import Response from 'twilio/lib/http/response';
import type { Mailer } from '../delivery/providers/smtp-transport';
import type { SmsClient } from '../delivery/providers/twilio-client';

/** What the send path handed a provider: the message that would have gone out. */
export interface ProviderMessage {
  channel: 'email' | 'sms';
  to: string;
  from: string;
  /** The ledger id: the delivery this message belongs to. */
  deliveryId?: string;
  providerMessageId: string;
  subject?: string;
  text?: string;
  html?: string;
  /** SMS body as Twilio would get it (with the opt-out line the send path adds). */
  body?: string;
  headers?: Record<string, string>;
}

/** How a simulated provider answers: a permanent refusal (SMTP 550, Twilio 21211) or a transient one (451, 503). */
export type ProviderFailure = 'permanent' | 'transient';

interface ScriptedFailure {
  kind: ProviderFailure;
  times: number;
}

/**
 * The providers of the send path with nothing sent: a nodemailer transport of our own (nodemailer's custom transport
 * API) that builds each email and keeps it, and the real twilio client over an HTTP client that answers like Twilio
 * without a network. The send path above them runs unchanged: consent, quiet hours, caps, the ledger, rendering.
 * `fail` scripts refusals, answered in each provider's own terms, so the send path classifies them as it would the
 * real ones.
 */
export function createSimulatedProviders() {
  const messages: ProviderMessage[] = [];
  const failures: Partial<Record<'email' | 'sms', ScriptedFailure>> = {};
  const takeFailure = (channel: 'email' | 'sms'): ProviderFailure | undefined => {
    const scripted = failures[channel];
    if (!scripted) return undefined;
    scripted.times -= 1;
    if (scripted.times <= 0) delete failures[channel];
    return scripted.kind;
  };

  const mailer: Mailer = nodemailer.createTransport<SMTPTransport.SentMessageInfo>({
    name: 'waymark-simulated',
    version: '1',
    send(mail: MailMessage<SMTPTransport.SentMessageInfo>, callback) {
      const failure = takeFailure('email');
      if (failure) return callback(smtpRefusal(failure), undefined as never);
      const { data } = mail;
      const envelope = mail.message.getEnvelope();
      const messageId = mail.message.messageId();
      const to = envelope.to.join(', ');
      messages.push({
        channel: 'email',
        to,
        from: String(envelope.from),
        providerMessageId: messageId,
        ...(typeof data.subject === 'string' ? { subject: data.subject } : {}),
        ...(typeof data.text === 'string' ? { text: data.text } : {}),
        ...(typeof data.html === 'string' ? { html: data.html } : {}),
        ...(data.headers && !Array.isArray(data.headers) ? { headers: data.headers as Record<string, string> } : {}),
      });
      callback(null, { envelope, messageId, accepted: envelope.to, rejected: [], pending: [], response: '250 kept' });
    },
  });

  const twilioClient: SmsClient = twilio('ACsimulated0000000000000000000000', 'simulated', {
    httpClient: new SimulatedTwilioHttp((form) => {
      const failure = takeFailure('sms');
      if (failure) return twilioRefusal(failure);
      const sid = `SM${createHash('sha256').update(`${messages.length}:${form.StatusCallback}`).digest('hex').slice(0, 32)}`;
      const deliveryId = form.StatusCallback ? new URL(form.StatusCallback).searchParams.get('delivery') : null;
      messages.push({
        channel: 'sms',
        to: form.To,
        from: form.From,
        providerMessageId: sid,
        body: form.Body,
        ...(deliveryId ? { deliveryId } : {}),
      });
      return new Response(
        201,
        JSON.stringify({ sid, status: 'queued', to: form.To, from: form.From, body: form.Body }),
        {},
      );
    }),
  });

  return {
    mailer,
    twilio: twilioClient,
    /** Every message a provider accepted, in order. */
    messages,
    /** The next `times` sends on `channel` are refused (`times` defaults to every send until `heal`). */
    fail(channel: 'email' | 'sms', kind: ProviderFailure, times = Number.POSITIVE_INFINITY) {
      failures[channel] = { kind, times };
    },
    heal() {
      delete failures.email;
      delete failures.sms;
    },
  };
}

export type SimulatedProviders = ReturnType<typeof createSimulatedProviders>;

/** An SMTP reply as nodemailer reports it: 550 (mailbox unavailable) or 451 (try again later). */
function smtpRefusal(kind: ProviderFailure): Error {
  const code = kind === 'permanent' ? 550 : 451;
  const text = kind === 'permanent' ? 'mailbox unavailable' : 'try again later';
  return Object.assign(new Error(`${code} ${text} (simulated)`), { responseCode: code, code: 'EENVELOPE' });
}

/** Twilio's error body: 21211 (invalid 'To' number, 400) or 20503 (service unavailable, 503). */
function twilioRefusal(kind: ProviderFailure): Response<string> {
  const [status, code, message] =
    kind === 'permanent'
      ? [400, 21211, "The 'To' number is not a valid phone number (simulated)."]
      : [503, 20503, 'Service unavailable (simulated).'];
  return new Response(
    status,
    JSON.stringify({ status, code, message, more_info: `https://www.twilio.com/docs/errors/${code}` }),
    {},
  );
}

class SimulatedTwilioHttp extends twilio.RequestClient {
  constructor(private readonly answer: (form: Record<string, string>) => Response<string>) {
    super();
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const form = Object.fromEntries(
      Object.entries((opts.data ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
    return this.answer(form) as unknown as Response<TData>;
  }
}
