import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
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
 * The providers of the send path with nothing sent: a mailer that builds each email with nodemailer's MailComposer and
 * keeps it, and the real twilio client over an HTTP client that answers like Twilio without a network. The send path above them runs unchanged: consent, quiet hours, caps, the ledger, rendering.
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

  const mailer: Mailer = {
    async sendMail(mail) {
      const failure = takeFailure('email');
      if (failure) throw smtpRefusal(failure);
      const message = new MailComposer(mail).compile();
      const envelope = message.getEnvelope();
      const messageId = message.messageId();
      messages.push({
        channel: 'email',
        to: envelope.to.join(', '),
        from: String(envelope.from),
        providerMessageId: messageId,
        ...(typeof mail.subject === 'string' ? { subject: mail.subject } : {}),
        ...(typeof mail.text === 'string' ? { text: mail.text } : {}),
        ...(typeof mail.html === 'string' ? { html: mail.html } : {}),
        ...(mail.headers && !Array.isArray(mail.headers) ? { headers: mail.headers as Record<string, string> } : {}),
      });
      return { messageId, accepted: envelope.to, rejected: [], response: '250 kept' };
    },
    close: () => undefined,
  };

  const client = twilio('ACsimulated0000000000000000000000', 'simulated', {
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
  const twilioClient: SmsClient = {
    send: async (message) => (await client.messages.create(message)).sid,
    findSent: async ({ to, body }) =>
      messages.find((m) => m.channel === 'sms' && m.to === to && m.body === body)?.providerMessageId,
  };

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

/**
 * Twilio's error body: 21211 (invalid 'To' number, 400) or 20429 (too many requests, 429). A 4xx with Twilio's body
 * says nothing was created; a 5xx would not (the send path records it `unknown`, never retried).
 */
function twilioRefusal(kind: ProviderFailure): Response<string> {
  const [status, code, message] =
    kind === 'permanent'
      ? [400, 21211, "The 'To' number is not a valid phone number (simulated)."]
      : [429, 20429, 'Too many requests (simulated).'];
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
