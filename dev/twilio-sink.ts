/**
 * Twilio sink: an HTTP server speaking the part of Twilio's REST API Waymark uses, so the real `twilio` client can be
 * pointed at it (TWILIO_API_URL). Messages are kept in memory; nothing leaves the machine.
 *
 * Twilio API:
 *   POST /2010-04-01/Accounts/{AccountSid}/Messages.json   form fields To, From | MessagingServiceSid, Body,
 *        StatusCallback. HTTP basic auth AccountSid:AuthToken (wrong → 401, code 20003). 201 with a Twilio-shaped
 *        message (sid `SM` + 32 hex, status `queued`, or `accepted` when sent through a messaging service).
 *   GET  /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json   the message with its latest status.
 *   GET  /2010-04-01/Accounts/{AccountSid}/Messages.json   the list, newest first, filtered by To and From, paged
 *        with PageSize and Page, in Twilio's page shape (what twilio-node's `messages.list` reads).
 * Errors have Twilio's shape {code, message, more_info, status}. Recipients that fail, after Twilio's magic test numbers:
 *   not E.164, or +15005550001 → 400 / 21211 invalid 'To' number        (permanent)
 *   +15005550002               → 400 / 21612 cannot route to this number  (permanent)
 *   +15005550003               → 400 / 21408 no permission for the region (permanent)
 *   +15005550004               → 400 / 21610 recipient unsubscribed (STOP) (permanent); so does any number that sent
 *                                 STOP (or STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) through /_sink/inbound until START
 *   +15005550009               → 400 / 21614 not a mobile number           (permanent)
 *   +15005550010               → 429 / 20429 too many requests             (transient)
 *   +15005550011               → 500 / 20500 internal error                (transient)
 * Status callbacks: with StatusCallback, the sink POSTs `sent` then `delivered` (for +15005550020: `sent` then
 * `undelivered` with ErrorCode 30003) form-encoded and signed with X-Twilio-Signature, as Twilio does.
 *
 * Misbehaviours a test switches on per recipient number (PUT /_sink/faults/:number), for the next `times` messages to
 * it (default: until cleared):
 *   accept-then-timeout  keeps the message (it goes out, callbacks follow), then holds the answer for `holdMs`
 *                        (default 120 s) and drops the connection: the client's timeout fires first
 *   accept-then-500      keeps the message, then answers 500 / 20500
 *   fail-500             answers 500 / 20500 and keeps nothing
 *   delay                keeps the message and answers 201 after `holdMs` (a slow provider)
 * A message whose client went away before its answer was written has `clientGone: true`.
 *
 * Test helpers:
 *   GET    /_sink/messages     kept messages as JSON, oldest first; `?to=+1...` filters
 *   DELETE /_sink/messages     forget messages and opt-outs
 *   PUT    /_sink/faults/:number  JSON {fault, times?, holdMs?}: switch a misbehaviour on for that recipient
 *   DELETE /_sink/faults       switch every misbehaviour off
 *   POST   /_sink/inbound      JSON {from, to, body, url}: sends a signed inbound-message webhook to `url` and answers
 *                              {status, body} with the app's response (e.g. a customer replying STOP)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { closeHttpServer, listen, readBody, sendJson, urlHost } from './sink-http';

export interface SinkSms {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  status: 'accepted' | 'queued' | 'sent' | 'delivered' | 'undelivered';
  numSegments: number;
  dateCreated: string;
  /** Each status callback the sink made and the app's HTTP status (0 = unreachable). */
  callbacks: { status: string; responseStatus: number }[];
  /** The client closed the connection before the sink answered the create request. */
  clientGone?: boolean;
}

export const TWILIO_SINK_FAULTS = ['accept-then-timeout', 'accept-then-500', 'fail-500', 'delay'] as const;
export type TwilioSinkFault = (typeof TWILIO_SINK_FAULTS)[number];

export interface TwilioSinkOptions {
  host?: string;
  /** 0 = a free port. */
  port?: number;
  accountSid: string;
  authToken: string;
  maxMessages?: number;
  /** Pause before each status callback, as Twilio's come after the API answered (default 50 ms). */
  callbackDelayMs?: number;
}

export interface TwilioSink {
  /** Base URL to use instead of https://api.twilio.com (TWILIO_API_URL). */
  url: string;
  /** The kept messages, oldest first (in-process access for the code that started the sink). */
  messages(): SinkSms[];
  close(): Promise<void>;
}

interface TwilioError {
  status: number;
  code: number;
  message: string;
}

const API_PREFIX = '/2010-04-01/Accounts/';
const E164 = /^\+[1-9]\d{1,14}$/;
const OPT_OUT_KEYWORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const OPT_IN_KEYWORDS = new Set(['START', 'YES', 'UNSTOP']);
const UNDELIVERED_TEST_NUMBER = '+15005550020';

const MAGIC_RECIPIENT_ERRORS: Record<string, (to: string) => TwilioError> = {
  '+15005550001': (to) => invalidTo(to),
  '+15005550002': (to) => ({
    status: 400,
    code: 21612,
    message: `The 'To' phone number: ${to}, is not currently reachable using the 'From' phone number via SMS.`,
  }),
  '+15005550003': (to) => ({
    status: 400,
    code: 21408,
    message: `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`,
  }),
  '+15005550004': () => unsubscribed(),
  '+15005550009': (to) => ({ status: 400, code: 21614, message: `'To' number ${to} is not a valid mobile number` }),
  '+15005550010': () => ({ status: 429, code: 20429, message: 'Too Many Requests' }),
  '+15005550011': () => ({ status: 500, code: 20500, message: 'An internal server error has occurred' }),
};

function invalidTo(to: string): TwilioError {
  return { status: 400, code: 21211, message: `The 'To' number ${to} is not a valid phone number.` };
}

function unsubscribed(): TwilioError {
  return { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' };
}

function errorBody(err: TwilioError) {
  return {
    code: err.code,
    message: err.message,
    more_info: `https://www.twilio.com/docs/errors/${err.code}`,
    status: err.status,
  };
}

function sendTwilioError(res: ServerResponse, err: TwilioError) {
  sendJson(res, err.status, errorBody(err));
}

export async function startTwilioSink(opts: TwilioSinkOptions): Promise<TwilioSink> {
  const host = opts.host ?? '127.0.0.1';
  const { accountSid, authToken } = opts;
  const maxMessages = opts.maxMessages ?? 1000;
  const callbackDelayMs = opts.callbackDelayMs ?? 50;
  let kept: SinkSms[] = [];
  /** `<recipient> <our number>` pairs whose recipient replied STOP (Twilio blocks those until START). */
  const optedOut = new Set<string>();
  const pending = new Set<Promise<unknown>>();
  /** Switched-on misbehaviours by recipient number; `times` left (undefined: until cleared). */
  const faults = new Map<string, { fault: TwilioSinkFault; times?: number; holdMs: number }>();
  const takeFault = (to: string) => {
    const set = faults.get(to);
    if (set?.times !== undefined && --set.times <= 0) faults.delete(to);
    return set;
  };
  /** Answers held by `accept-then-timeout` / `delay`, released (dropped) when the sink closes. */
  const held = new Set<ServerResponse>();

  const track = (work: Promise<unknown>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  const checkAuth = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    const [user, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    return user === accountSid && rest.join(':') === authToken;
  };

  const createMessage = (form: URLSearchParams): SinkSms | TwilioError => {
    const to = form.get('To')?.trim() ?? '';
    const from = form.get('From')?.trim() || null;
    const messagingServiceSid = form.get('MessagingServiceSid')?.trim() || null;
    const body = form.get('Body') ?? '';
    if (!to) return { status: 400, code: 21604, message: "A 'To' phone number is required." };
    if (!from && !messagingServiceSid)
      return { status: 400, code: 21603, message: "A 'From' phone number is required." };
    if (!body && !form.get('MediaUrl')) return { status: 400, code: 21602, message: 'Message body is required.' };
    if (!E164.test(to)) return invalidTo(to);
    const magic = MAGIC_RECIPIENT_ERRORS[to];
    if (magic) return magic(to);
    if (optedOut.has(`${to} ${from ?? messagingServiceSid}`)) return unsubscribed();
    return {
      sid: `SM${randomBytes(16).toString('hex')}`,
      accountSid,
      to,
      from,
      messagingServiceSid,
      body,
      statusCallback: form.get('StatusCallback') || null,
      status: messagingServiceSid && !from ? 'accepted' : 'queued',
      numSegments: segmentsOf(body),
      dateCreated: new Date().toUTCString().replace('GMT', '+0000'),
      callbacks: [],
    };
  };

  const postSigned = async (url: string, params: Record<string, string>): Promise<{ status: number; body: string }> => {
    const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
        'user-agent': 'TwilioProxy/1.1',
      },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.text() };
  };

  const sendStatusCallbacks = async (sms: SinkSms) => {
    const finalStatus = sms.to === UNDELIVERED_TEST_NUMBER ? 'undelivered' : 'delivered';
    for (const status of ['sent', finalStatus] as const) {
      await new Promise((resolve) => setTimeout(resolve, callbackDelayMs));
      sms.status = status;
      if (!sms.statusCallback) continue;
      const params: Record<string, string> = {
        AccountSid: sms.accountSid,
        ApiVersion: '2010-04-01',
        From: sms.from ?? '',
        MessageSid: sms.sid,
        MessageStatus: status,
        SmsSid: sms.sid,
        SmsStatus: status,
        To: sms.to,
      };
      if (sms.messagingServiceSid) params.MessagingServiceSid = sms.messagingServiceSid;
      if (status === 'undelivered') params.ErrorCode = '30003';
      const responseStatus = await postSigned(sms.statusCallback, params).then(
        (r) => r.status,
        () => 0,
      );
      sms.callbacks.push({ status, responseStatus });
    }
  };

  const handleInbound = async (req: IncomingMessage, res: ServerResponse) => {
    let input: { from?: unknown; to?: unknown; body?: unknown; url?: unknown };
    try {
      input = JSON.parse(await readBody(req));
    } catch {
      return sendJson(res, 400, { error: 'expected JSON {from, to, body, url}' });
    }
    const { from, to, body, url } = input;
    if (typeof from !== 'string' || typeof to !== 'string' || typeof body !== 'string' || typeof url !== 'string') {
      return sendJson(res, 400, { error: 'expected JSON {from, to, body, url} with string values' });
    }
    const keyword = body.trim().toUpperCase();
    if (OPT_OUT_KEYWORDS.has(keyword)) optedOut.add(`${from} ${to}`);
    if (OPT_IN_KEYWORDS.has(keyword)) optedOut.delete(`${from} ${to}`);
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const params: Record<string, string> = {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      Body: body,
      From: from,
      MessageSid: sid,
      NumMedia: '0',
      NumSegments: String(segmentsOf(body)),
      SmsMessageSid: sid,
      SmsSid: sid,
      SmsStatus: 'received',
      To: to,
    };
    try {
      sendJson(res, 200, await postSigned(url, params));
    } catch (err) {
      sendJson(res, 502, { error: `could not reach ${url}: ${(err as Error).message}` });
    }
  };

  const handleFault = async (req: IncomingMessage, res: ServerResponse, to: string) => {
    let body: { fault?: unknown; times?: unknown; holdMs?: unknown };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return sendJson(res, 400, { error: 'expected JSON {fault, times?, holdMs?}' });
    }
    const fault = body.fault as TwilioSinkFault;
    if (!TWILIO_SINK_FAULTS.includes(fault)) {
      return sendJson(res, 400, { error: `fault must be one of ${TWILIO_SINK_FAULTS.join(', ')}` });
    }
    const positive = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) > 0);
    if (!positive(body.times) || !positive(body.holdMs)) {
      return sendJson(res, 400, { error: 'times and holdMs must be positive integers' });
    }
    const times = body.times as number | undefined;
    faults.set(to, { fault, holdMs: (body.holdMs as number | undefined) ?? 120_000, ...(times ? { times } : {}) });
    return sendJson(res, 200, { to, fault, times: times ?? null });
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, parts: string[]) => {
    // parts: [AccountSid, 'Messages.json'] or [AccountSid, 'Messages', '{Sid}.json']
    if (!checkAuth(req)) {
      return sendJson(res, 401, {
        code: 20003,
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      });
    }
    if (parts[0] !== accountSid) {
      return sendTwilioError(res, { status: 404, code: 20404, message: 'The requested resource was not found' });
    }
    if (parts.length === 2 && parts[1] === 'Messages.json' && req.method === 'POST') {
      const result = createMessage(new URLSearchParams(await readBody(req)));
      if (!('sid' in result)) return sendTwilioError(res, result);
      const fault = takeFault(result.to);
      if (fault?.fault === 'fail-500') return sendTwilioError(res, internalError());
      kept.push(result);
      if (kept.length > maxMessages) kept = kept.slice(kept.length - maxMessages);
      track(sendStatusCallbacks(result));
      res.once('close', () => {
        if (!res.writableFinished) result.clientGone = true;
      });
      if (fault?.fault === 'accept-then-500') return sendTwilioError(res, internalError());
      if (fault?.fault === 'accept-then-timeout' || fault?.fault === 'delay') {
        held.add(res);
        await new Promise((resolve) => setTimeout(resolve, fault.holdMs).unref());
        held.delete(res);
        if (fault.fault === 'accept-then-timeout' || res.destroyed) return void res.destroy();
      }
      return sendJson(res, 201, toTwilioJson(result));
    }
    if (parts.length === 2 && parts[1] === 'Messages.json' && req.method === 'GET') {
      return sendJson(res, 200, listPage(kept, accountSid, new URL(req.url ?? '/', 'http://sink').searchParams));
    }
    if (parts.length === 3 && parts[1] === 'Messages' && req.method === 'GET') {
      const sms = kept.find((m) => `${m.sid}.json` === parts[2]);
      if (sms) return sendJson(res, 200, toTwilioJson(sms));
    }
    return sendTwilioError(res, { status: 404, code: 20404, message: 'The requested resource was not found' });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sink');
    if (url.pathname.startsWith(API_PREFIX)) {
      return handleApi(req, res, url.pathname.slice(API_PREFIX.length).split('/'));
    }
    if (url.pathname === '/_sink/messages' && req.method === 'GET') {
      const to = url.searchParams.get('to');
      return sendJson(res, 200, to ? kept.filter((m) => m.to === to) : kept);
    }
    if (url.pathname === '/_sink/messages' && req.method === 'DELETE') {
      kept = [];
      optedOut.clear();
      return sendJson(res, 200, { deleted: true });
    }
    if (url.pathname === '/_sink/inbound' && req.method === 'POST') return handleInbound(req, res);
    if (url.pathname === '/_sink/faults' && req.method === 'DELETE') {
      faults.clear();
      return sendJson(res, 200, { cleared: true });
    }
    if (url.pathname.startsWith('/_sink/faults/') && req.method === 'PUT') {
      return handleFault(req, res, decodeURIComponent(url.pathname.slice('/_sink/faults/'.length)));
    }
    return sendTwilioError(res, { status: 404, code: 20404, message: 'The requested resource was not found' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) sendTwilioError(res, { status: 500, code: 20500, message: err.message });
    });
  });
  const port = await listen(server, host, opts.port ?? 0);

  return {
    url: `http://${urlHost(host)}:${port}`,
    messages: () => [...kept],
    async close() {
      for (const res of held) res.destroy();
      await Promise.allSettled([...pending]);
      await closeHttpServer(server);
    },
  };
}

function internalError(): TwilioError {
  return { status: 500, code: 20500, message: 'An internal server error has occurred' };
}

/** One page of the message list, newest first, in Twilio's list shape (twilio-node reads `messages` and paging). */
function listPage(kept: SinkSms[], accountSid: string, query: URLSearchParams) {
  const to = query.get('To');
  const from = query.get('From');
  const pageSize = Math.min(Math.max(Number(query.get('PageSize')) || 50, 1), 1000);
  const page = Math.max(Number(query.get('Page')) || 0, 0);
  const matching = kept.filter((m) => (!to || m.to === to) && (!from || m.from === from)).reverse();
  const slice = matching.slice(page * pageSize, (page + 1) * pageSize);
  const base = `${API_PREFIX}${accountSid}/Messages.json`;
  const pageUri = (n: number) => {
    const params = new URLSearchParams({ ...(to ? { To: to } : {}), ...(from ? { From: from } : {}) });
    params.set('PageSize', String(pageSize));
    params.set('Page', String(n));
    return `${base}?${params.toString()}`;
  };
  const hasNext = (page + 1) * pageSize < matching.length;
  return {
    messages: slice.map(toTwilioJson),
    page,
    page_size: pageSize,
    start: page * pageSize,
    end: page * pageSize + Math.max(slice.length - 1, 0),
    uri: pageUri(page),
    first_page_uri: pageUri(0),
    next_page_uri: hasNext ? pageUri(page + 1) : null,
    previous_page_uri: page > 0 ? pageUri(page - 1) : null,
  };
}

/** The message resource as Twilio's API returns it (snake_case, strings where Twilio uses strings). */
function toTwilioJson(sms: SinkSms) {
  const uri = `${API_PREFIX}${sms.accountSid}/Messages/${sms.sid}.json`;
  return {
    account_sid: sms.accountSid,
    api_version: '2010-04-01',
    body: sms.body,
    date_created: sms.dateCreated,
    date_sent: null,
    date_updated: sms.dateCreated,
    direction: 'outbound-api',
    error_code: sms.status === 'undelivered' ? 30003 : null,
    error_message: null,
    from: sms.from,
    messaging_service_sid: sms.messagingServiceSid,
    num_media: '0',
    num_segments: String(sms.numSegments),
    price: null,
    price_unit: 'USD',
    sid: sms.sid,
    status: sms.status,
    subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
    to: sms.to,
    uri,
  };
}

/** SMS segments: GSM-7 text fits 160 characters (153 per part when split), anything else UCS-2 70 (67). */
function segmentsOf(body: string): number {
  const gsm = /^[\x20-\x7E\n\r£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà€]*$/.test(body);
  const length = [...body].length;
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return length <= single ? 1 : Math.ceil(length / part);
}
