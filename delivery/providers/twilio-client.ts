import twilio, { type Twilio } from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { Config } from '../../config';

/** The Twilio REST client the send path sends SMS through. */
export type SmsClient = Twilio;

/**
 * The twilio client's own HTTP client, sending every request to `baseUrl` instead of Twilio's hosts (the Twilio sink
 * on the embedded stack). twilio-node builds absolute https://<product>.twilio.com URIs per resource; the supported
 * hook to change where they go is the `httpClient` option, so this keeps path and query and swaps the origin.
 */
export class RedirectingRequestClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(baseUrl: string, opts?: RequestClient.RequestClientOptions) {
    super(opts);
    this.base = new URL(baseUrl);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const original = new URL(opts.uri);
    const target = new URL(`${original.pathname}${original.search}`, this.base);
    if (this.base.pathname !== '/') target.pathname = `${this.base.pathname.replace(/\/$/, '')}${original.pathname}`;
    return super.request<TData>({ ...opts, uri: target.toString() });
  }
}

/** The real twilio client; with TWILIO_API_URL set, it talks to that base URL instead of https://api.twilio.com. */
export function createTwilioClient(
  config: Pick<Config, 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_API_URL'>,
): SmsClient {
  const httpClient = config.TWILIO_API_URL ? new RedirectingRequestClient(config.TWILIO_API_URL) : undefined;
  return twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, { httpClient });
}
