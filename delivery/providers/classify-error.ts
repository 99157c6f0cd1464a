import twilio from 'twilio';

/**
 * Whether a provider's error is worth retrying. The send path turns `permanent` into a non-retryable activity failure
 * that is recorded in the ledger (a bad address stays bad), and lets `transient` ones go to Temporal's retry backoff.
 */
export type ProviderErrorKind = 'permanent' | 'transient';

export interface ProviderErrorClassification {
  kind: ProviderErrorKind;
  provider: 'smtp' | 'twilio' | 'network' | 'unknown';
  /** SMTP reply code (`550`), nodemailer code (`EENVELOPE`), Twilio error code (`21211`) or socket code. */
  code: string;
  message: string;
}

/** The error type name the send path gives non-retryable provider failures (ApplicationFailure type). */
export const PERMANENT_PROVIDER_ERROR = 'ProviderPermanentError';

/** Twilio codes that say the recipient or the request is wrong: retrying the same message cannot succeed. */
const TWILIO_PERMANENT_CODES = new Set([
  21211, // invalid 'To' number
  21408, // no permission to send to the region
  21610, // recipient replied STOP
  21612, // 'To' not reachable from 'From'
  21614, // 'To' is not a mobile number
  21602, // body required
  21603, // 'From' required
  21604, // 'To' required
]);

/** Socket-level failures: the provider was not reached or the connection broke; it may work a moment later. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_NETWORK',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** nodemailer's own codes for a connection that failed or broke (no SMTP reply to judge). */
const SMTP_CONNECTION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL']);

/** nodemailer's codes for a mail that can never be sent as it is (bad envelope, unbuildable message). */
const SMTP_PERMANENT_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'ESTREAM']);

interface ErrorFields {
  code?: unknown;
  status?: unknown;
  responseCode?: unknown;
  message?: unknown;
}

export function classifyProviderError(err: unknown): ProviderErrorClassification {
  const fields: ErrorFields = typeof err === 'object' && err !== null ? (err as ErrorFields) : {};
  const message = typeof fields.message === 'string' ? fields.message : String(err);

  if (isTwilioRestException(err)) {
    const code = typeof err.code === 'number' ? err.code : undefined;
    const status = err.status;
    const transient = status === 429 || status >= 500 || code === 20429;
    const permanent = !transient && ((code !== undefined && TWILIO_PERMANENT_CODES.has(code)) || status >= 400);
    return { kind: permanent ? 'permanent' : 'transient', provider: 'twilio', code: String(code ?? status), message };
  }

  // SMTP: the server's reply code decides (RFC 5321: 5xx permanent, 4xx transient), whatever nodemailer's code says.
  if (typeof fields.responseCode === 'number' && fields.responseCode >= 400) {
    const kind = fields.responseCode >= 500 ? 'permanent' : 'transient';
    return { kind, provider: 'smtp', code: String(fields.responseCode), message };
  }

  const code = typeof fields.code === 'string' ? fields.code : '';
  if (SMTP_PERMANENT_CODES.has(code)) return { kind: 'permanent', provider: 'smtp', code, message };
  if (SMTP_CONNECTION_CODES.has(code)) return { kind: 'transient', provider: 'smtp', code, message };
  if (NETWORK_CODES.has(code)) return { kind: 'transient', provider: 'network', code, message };
  // Unknown failures are retried: Temporal's retry policy bounds them, and a wrongly retried send is still
  // protected by the ledger, while a wrongly dropped one is lost.
  return { kind: 'transient', provider: 'unknown', code, message };
}

export function isPermanentProviderError(err: unknown): boolean {
  return classifyProviderError(err).kind === 'permanent';
}

function isTwilioRestException(err: unknown): err is { status: number; code?: unknown; message: string } {
  if (err instanceof twilio.RestException) return true;
  // Duck-typed too: a second copy of the twilio package (or a serialized error) fails instanceof.
  const e = err as { status?: unknown; moreInfo?: unknown } | null;
  return typeof e === 'object' && e !== null && typeof e.status === 'number' && 'moreInfo' in e;
}
