/**
 * SMTP sink: a real SMTP server (the `smtp-server` package) that accepts every mail on loopback, parses it with
 * `mailparser` and keeps it in memory for tests and for the dev inbox.
 *
 * SMTP: plain SMTP, no STARTTLS offered, AUTH optional (any credentials are accepted).
 * Recipient domains that make the sink refuse a recipient at RCPT TO, so tests can exercise the send path's errors:
 *   - `...@bounce.test`   → 550 (permanent: the mail is rejected, nodemailer reports EENVELOPE with responseCode 550)
 *   - `...@tempfail.test` → 451 (transient: try again later)
 * A mail with several recipients is accepted for the others; it fails only when every recipient was refused.
 *
 * Misbehaviours a test switches on per recipient address (PUT /faults/:address), for the next `times` mails to it
 * (default: until cleared):
 *   - `reset-after-data`  keeps the mail (the customer got it), then resets the connection instead of answering 250
 *   - `close-after-data`  keeps the mail, then closes the connection (FIN) instead of answering 250
 *   - `hang-after-data`   keeps the mail and never answers (the client's socket timeout ends it)
 *   - `hang-at-rcpt`      never answers RCPT TO (before DATA: nothing is sent)
 *   - `tempfail-at-rcpt`  answers RCPT TO with 451 (an outage of this mailbox)
 *

 * HTTP (inspection and dev inbox):
 *   GET    /messages            all kept messages as JSON, oldest first (newest last); `?to=addr` keeps those whose
 *                               envelope or To/Cc header names addr (case-insensitive)
 *   GET    /messages/:id        one message as JSON (404 if unknown)
 *   GET    /messages/:id/html   the message's HTML part (or its text part, escaped) as a page
 *   DELETE /messages            forget every message
 *   PUT    /faults/:address     JSON {fault, times?}: switch a misbehaviour on for mails to that address
 *   DELETE /faults              switch every misbehaviour off
 *   GET    /                    the dev inbox: an HTML page listing messages, newest first
 * At most `maxMessages` (default 1000) are kept; the oldest are dropped first.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { closeHttpServer, listen, readBody, sendJson, sendText, urlHost } from './sink-http';
import { renderInboxPage, renderMessagePage } from './sink-inbox-page';

export interface SinkMail {
  id: string;
  /** SMTP envelope: MAIL FROM and the accepted RCPT TO addresses. */
  envelope: { from: string | null; to: string[] };
  /** Address of the From header, e.g. `journeys@waymark.local` ('' when absent). */
  from: string;
  /** Display name of the From header, e.g. `Waymark` ('' when absent). */
  fromName: string;
  /** Addresses of the To header. */
  to: string[];
  cc: string[];
  subject: string;
  text: string | null;
  html: string | null;
  messageId: string | null;
  /**
   * Every header as sent, keyed by lower-case name (`list-unsubscribe`, `list-unsubscribe-post`, `message-id`, ...);
   * folded lines are unfolded; a header that appears more than once has its values joined by a newline.
   */
  headers: Record<string, string>;
  size: number;
  receivedAt: string;
}

export interface SmtpSinkOptions {
  host?: string;
  /** 0 = a free port. */
  smtpPort?: number;
  /** 0 = a free port. */
  httpPort?: number;
  maxMessages?: number;
}

export interface SmtpSink {
  /** e.g. `smtp://127.0.0.1:2525`, for nodemailer / SMTP_URL. */
  smtpUrl: string;
  /** Base URL of the inspection API and dev inbox, e.g. `http://127.0.0.1:8025`. */
  httpUrl: string;
  /** The kept messages, oldest first (in-process access for the code that started the sink). */
  messages(): SinkMail[];
  close(): Promise<void>;
}

export const SMTP_SINK_FAULTS = [
  'reset-after-data',
  'close-after-data',
  'hang-after-data',
  'hang-at-rcpt',
  'tempfail-at-rcpt',
] as const;
export type SmtpSinkFault = (typeof SMTP_SINK_FAULTS)[number];

const REFUSED_DOMAINS: Record<string, { code: number; text: string }> = {
  'bounce.test': { code: 550, text: '5.1.1 Recipient address rejected: mailbox unavailable (bounce.test)' },
  'tempfail.test': { code: 451, text: '4.3.0 Recipient temporarily unavailable, try again later (tempfail.test)' },
};

export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const host = opts.host ?? '127.0.0.1';
  const maxMessages = opts.maxMessages ?? 1000;
  let kept: SinkMail[] = [];

  const keep = (mail: SinkMail) => {
    kept.push(mail);
    if (kept.length > maxMessages) kept = kept.slice(kept.length - maxMessages);
  };

  /** Switched-on misbehaviours by lower-case address; `times` left (undefined: until cleared). */
  const faults = new Map<string, { fault: SmtpSinkFault; times?: number }>();
  /** Takes one use of a misbehaviour of `kinds` set for one of `addresses`. */
  const takeFault = (addresses: string[], kinds: SmtpSinkFault[]): SmtpSinkFault | undefined => {
    for (const address of addresses) {
      const key = address.toLowerCase();
      const set = faults.get(key);
      if (!set || !kinds.includes(set.fault)) continue;
      if (set.times !== undefined && --set.times <= 0) faults.delete(key);
      return set.fault;
    }
    return undefined;
  };
  /** Client sockets by remote port, so a misbehaviour can reset the connection of a session. */
  const sockets = new Map<number, Socket>();

  const smtp = new SMTPServer({
    banner: 'Waymark SMTP sink',
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 25 * 1024 * 1024,
    // Idle pooled clients would otherwise hold close() for 30 s.
    closeTimeout: 500,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'sink' });
    },
    onRcptTo(address, _session, callback) {
      const fault = takeFault([address.address], ['hang-at-rcpt', 'tempfail-at-rcpt']);
      if (fault === 'hang-at-rcpt') return;
      if (fault === 'tempfail-at-rcpt') {
        return callback(
          Object.assign(new Error('4.4.1 Mailbox unavailable for now (sink fault)'), { responseCode: 451 }),
        );
      }
      const refusal = REFUSED_DOMAINS[domainOf(address.address)];
      if (!refusal) return callback();
      const err = Object.assign(new Error(refusal.text), { responseCode: refusal.code });
      callback(err);
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          if (stream.sizeExceeded) {
            return callback(Object.assign(new Error('5.3.4 Message too big'), { responseCode: 552 }));
          }
          const mail = toSinkMail(parsed, session.envelope.mailFrom, session.envelope.rcptTo, stream.byteLength);
          keep(mail);
          const fault = takeFault(mail.envelope.to, ['reset-after-data', 'close-after-data', 'hang-after-data']);
          if (fault === 'reset-after-data') return sockets.get(session.remotePort)?.resetAndDestroy();
          if (fault === 'close-after-data') return sockets.get(session.remotePort)?.destroy();
          if (fault === 'hang-after-data') return;
          callback(null, `Queued as ${mail.id}`);
        })
        .catch((err: Error) => callback(Object.assign(err, { responseCode: 451 })));
    },
  });
  smtp.on('error', () => undefined); // connection-level errors (client went away) are not the sink's business
  smtp.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort;
    if (port === undefined) return;
    sockets.set(port, socket);
    socket.once('close', () => sockets.delete(port));
  });

  const http = createServer((req, res) => {
    handleHttp(req, res).catch((err: Error) => sendJson(res, 500, { error: err.message }));
  });

  const handleFaults = async (req: IncomingMessage, res: ServerResponse, address: string | undefined) => {
    if (req.method === 'DELETE' && address === undefined) {
      faults.clear();
      return sendJson(res, 200, { cleared: true });
    }
    if (req.method !== 'PUT' || address === undefined) return sendJson(res, 405, { error: 'method not allowed' });
    let body: { fault?: unknown; times?: unknown };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return sendJson(res, 400, { error: 'expected JSON {fault, times?}' });
    }
    const fault = body.fault as SmtpSinkFault;
    const times = body.times;
    if (!SMTP_SINK_FAULTS.includes(fault)) {
      return sendJson(res, 400, { error: `fault must be one of ${SMTP_SINK_FAULTS.join(', ')}` });
    }
    if (times !== undefined && !(Number.isInteger(times) && (times as number) > 0)) {
      return sendJson(res, 400, { error: 'times must be a positive integer' });
    }
    faults.set(address.toLowerCase(), { fault, ...(times === undefined ? {} : { times: times as number }) });
    return sendJson(res, 200, { address, fault, times: times ?? null });
  };

  const handleHttp = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sink');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'faults' && parts.length <= 2) return handleFaults(req, res, parts[1]);
    if (req.method === 'GET' && parts.length === 0) {
      return sendText(res, 200, renderInboxPage([...kept].reverse()), 'text/html; charset=utf-8');
    }
    if (parts[0] !== 'messages') return sendJson(res, 404, { error: 'not found' });
    if (parts.length === 1) {
      if (req.method === 'GET') {
        const to = url.searchParams.get('to');
        return sendJson(res, 200, to ? kept.filter((m) => isAddressedTo(m, to)) : kept);
      }
      if (req.method === 'DELETE') {
        kept = [];
        return sendJson(res, 200, { deleted: true });
      }
      return sendJson(res, 405, { error: 'method not allowed' });
    }
    const mail = kept.find((m) => m.id === parts[1]);
    if (!mail) return sendJson(res, 404, { error: `no message ${parts[1]}` });
    if (req.method === 'GET' && parts.length === 2) return sendJson(res, 200, mail);
    if (req.method === 'GET' && parts.length === 3 && parts[2] === 'html') {
      return sendText(res, 200, renderMessagePage(mail), 'text/html; charset=utf-8');
    }
    return sendJson(res, 404, { error: 'not found' });
  };

  const smtpPort = await listen(smtp.server, host, opts.smtpPort ?? 0);
  let httpPort: number;
  try {
    httpPort = await listen(http, host, opts.httpPort ?? 0);
  } catch (err) {
    await new Promise<void>((resolve) => smtp.close(resolve));
    throw err;
  }

  return {
    smtpUrl: `smtp://${urlHost(host)}:${smtpPort}`,
    httpUrl: `http://${urlHost(host)}:${httpPort}`,
    messages: () => [...kept],
    async close() {
      await Promise.all([new Promise<void>((resolve) => smtp.close(resolve)), closeHttpServer(http)]);
    },
  };
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function isAddressedTo(mail: SinkMail, address: string): boolean {
  const wanted = address.toLowerCase();
  return [...mail.envelope.to, ...mail.to, ...mail.cc].some((a) => a.toLowerCase() === wanted);
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const out: string[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.address) out.push(entry.address);
      if (entry.group) walk(entry.group);
    }
  };
  objects.forEach((o) => walk(o.value));
  return out;
}

function headersOf(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    const colon = line.indexOf(':');
    const value = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    headers[key] = key in headers ? `${headers[key]}\n${value}` : value;
  }
  return headers;
}

function toSinkMail(
  parsed: ParsedMail,
  mailFrom: SMTPServerAddress | false,
  rcptTo: SMTPServerAddress[],
  size: number,
): SinkMail {
  return {
    id: randomUUID(),
    envelope: { from: mailFrom ? mailFrom.address : null, to: rcptTo.map((r) => r.address) },
    from: parsed.from?.value[0]?.address ?? '',
    fromName: parsed.from?.value[0]?.name ?? '',
    to: addressesOf(parsed.to),
    cc: addressesOf(parsed.cc),
    subject: parsed.subject ?? '',
    text: parsed.text ?? null,
    html: typeof parsed.html === 'string' ? parsed.html : null,
    messageId: parsed.messageId ?? null,
    headers: headersOf(parsed),
    size,
    receivedAt: new Date().toISOString(),
  };
}
