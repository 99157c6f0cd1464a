import { PassThrough, type Writable } from 'node:stream';
import type Mail from 'nodemailer/lib/mailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type { Config } from '../../config';

/**
 * Provider timeouts, well under the deliver activity's one-minute startToClose: a slow or silent server fails the
 * attempt long before Temporal gives up on it (and starts another one while this one still talks to the server).
 * SMTP_URL query parameters of the same names override them.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 15_000 } as const;

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The server's final reply, e.g. `250 Queued as ...`. */
  response: string;
}

/**
 * An SMTP failure and how far the attempt got. `contentWritten`: the server answered DATA and the message began to
 * flow, so without a final reply nobody knows whether the server kept it (it may have: a reset after DATA).
 */
export class SmtpSendError extends Error {
  override readonly name = 'SmtpSendError';
  readonly code?: string;
  readonly responseCode?: number;
  readonly command?: string;

  constructor(
    cause: Error & { code?: string; responseCode?: number; command?: string },
    readonly contentWritten: boolean,
  ) {
    super(cause.message, { cause });
    this.code = cause.code;
    this.responseCode = cause.responseCode;
    this.command = cause.command;
  }
}

export interface Mailer {
  /** Sends one message on a connection of its own; `signal` aborts it (the connection is closed). */
  sendMail(mail: Mail.Options, options?: { signal?: AbortSignal }): Promise<SentMail>;
  /** Closes the connections of sends still in flight. */
  close(): void;
}

/** The message stream handed to the connection: it knows whether the connection started reading it (after DATA). */
class MessageContent extends PassThrough {
  written = false;

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    this.written = true;
    return super.pipe(destination, options);
  }
}

/**
 * Email through nodemailer's own building blocks (MailComposer builds the message, SMTPConnection speaks SMTP), one
 * connection per message. Not nodemailer's transports: the pooled one requeues a message whose connection closed on
 * its own (unbounded unless `maxRequeues` is set), and neither tells whether a connection failure came before or
 * after the message content was written, which is what decides between "nothing went out" and "unknown".
 */
export function createMailer(config: Pick<Config, 'SMTP_URL'>): Mailer {
  const options: SMTPConnection.Options = { ...SMTP_TIMEOUTS, ...parseConnectionUrl(config.SMTP_URL) };
  const inFlight = new Set<SMTPConnection>();
  return {
    sendMail: (mail, sendOptions = {}) => sendOne(options, mail, sendOptions.signal, inFlight),
    close: () => inFlight.forEach((connection) => connection.close()),
  };
}

function sendOne(
  options: SMTPConnection.Options,
  mail: Mail.Options,
  signal: AbortSignal | undefined,
  inFlight: Set<SMTPConnection>,
): Promise<SentMail> {
  return new Promise((resolve, reject) => {
    const message = new MailComposer(mail).compile();
    const envelope = message.getEnvelope();
    const messageId = message.messageId();
    const content = new MessageContent();
    const source = message.createReadStream();
    source.once('error', (err) => content.destroy(err));
    source.pipe(content as Writable);

    const connection = new SMTPConnection(options);
    inFlight.add(connection);
    let settled = false;
    const finish = (err: Error | null, info?: SMTPConnection.SentMessageInfo) => {
      if (settled) return;
      settled = true;
      inFlight.delete(connection);
      signal?.removeEventListener('abort', onAbort);
      connection.close();
      if (err) return reject(new SmtpSendError(err, content.written));
      resolve({
        messageId,
        accepted: (info?.accepted ?? []).map(String),
        rejected: (info?.rejected ?? []).map(String),
        response: info?.response ?? '',
      });
    };
    const onAbort = () => finish(Object.assign(new Error('send aborted'), { code: 'ABORT_ERR' }));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    connection.once('error', (err) => finish(err));
    // A close without an error event (as nodemailer's own transport does, give a late send callback a moment).
    connection.once('end', () =>
      setTimeout(() => finish(Object.assign(new Error('Unexpected socket close'), { code: 'ECONNECTION' })), 100),
    );
    connection.connect(() => {
      if (settled) return;
      const send = () => connection.send(envelope, content, (err, info) => finish(err ?? null, info));
      const auth = options.auth as { user?: string; pass?: string } | undefined;
      if (auth?.user) {
        connection.login({ credentials: { user: auth.user, pass: auth.pass ?? '' } }, (err) =>
          err ? finish(err) : send(),
        );
      } else {
        send();
      }
    });
  });
}
