import twilio, { type Twilio } from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import type { Config } from '../../config';

/** Twilio's answer must come well within the deliver activity's one-minute startToClose. */
export const TWILIO_TIMEOUT_MS = 10_000;

type TwilioConfig = Pick<Config, 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_API_URL'>;

/**
 * twilio-node's own HTTP client with three changes: requests go to `baseUrl` when given (the Twilio sink on the
 * embedded stack; twilio-node builds absolute https://<product>.twilio.com URIs and the `httpClient` option is the
 * supported hook to change where they go), an abort signal cancels the request, and no connection is reused (a
 * kept-alive socket the server already closed fails a request after it was written: an outcome nobody knows).
 */
export class WaymarkRequestClient extends RequestClient {
  private readonly base: URL | undefined;

  constructor(opts: { baseUrl?: string; signal?: AbortSignal }) {
    super({ timeout: TWILIO_TIMEOUT_MS, keepAlive: false });
    this.base = opts.baseUrl ? new URL(opts.baseUrl) : undefined;
    const { signal } = opts;
    if (signal) this.axios.interceptors.request.use((request) => ({ ...request, signal }));
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    if (!this.base) return super.request<TData>(opts);
    const original = new URL(opts.uri);
    const target = new URL(`${original.pathname}${original.search}`, this.base);
    if (this.base.pathname !== '/') target.pathname = `${this.base.pathname.replace(/\/$/, '')}${original.pathname}`;
    return super.request<TData>({ ...opts, uri: target.toString() });
  }
}

/** The real twilio client; with TWILIO_API_URL set, it talks to that base URL instead of https://api.twilio.com. */
export function createTwilioClient(config: TwilioConfig, signal?: AbortSignal): Twilio {
  const httpClient = new WaymarkRequestClient({ baseUrl: config.TWILIO_API_URL, signal });
  return twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, { httpClient });
}

export interface SmsMessage {
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
}

/** What the send path needs from Twilio: create a message, and find one whose creation answer was lost. */
export interface SmsClient {
  /** Creates the message; resolves with its SID, rejects with Twilio's RestException or the network error. */
  send(message: SmsMessage, signal?: AbortSignal): Promise<string>;
  /**
   * The SID of a message to `to` from `from` with exactly `body`, created at or after `since` (this machine's clock;
   * a few seconds of slack for Twilio's), if Twilio has one. Reads the newest page of Twilio's message list.
   */
  findSent(
    query: Omit<SmsMessage, 'statusCallback'> & { since: Date },
    signal?: AbortSignal,
  ): Promise<string | undefined>;
}

const LOOKUP_SLACK_MS = 5_000;
const LOOKUP_PAGE = 50;

/** One twilio client per call, bound to the call's abort signal. */
export function createSmsClient(config: TwilioConfig): SmsClient {
  return {
    async send(message, signal) {
      const created = await createTwilioClient(config, signal).messages.create(message);
      return created.sid;
    },
    async findSent({ to, from, body, since }, signal) {
      const recent = await createTwilioClient(config, signal).messages.list({
        to,
        from,
        limit: LOOKUP_PAGE,
        pageSize: LOOKUP_PAGE,
      });
      const after = since.getTime() - LOOKUP_SLACK_MS;
      return recent.find((m) => m.body === body && m.dateCreated.getTime() >= after)?.sid;
    },
  };
}
