import twilio from 'twilio';

/**
 * What a failed provider call says about the message (at most once, made precise):
 * - `permanent`: it did not go out and never will as it is (bad address, invalid number): recorded `failed`;
 * - `transient`: it did not go out (the request was never written: connection refused, DNS, TLS, an SMTP refusal,
 *   a Twilio 4xx with its error body); a later attempt may send it;
 * - `unknown`: the request was written and no definite answer came back (a timeout, a reset after the request or
 *   after DATA, a Twilio 5xx): it may have gone out. Never sent again; settled by Twilio's message list or status
 *   callback where possible, recorded `unknown` otherwise.
 */
export type ProviderErrorKind = 'permanent' | 'transient' | 'unknown';

export interface ProviderErrorClassification {
  kind: ProviderErrorKind;
  provider: 'smtp' | 'twilio' | 'network' | 'unknown';
  /** SMTP reply code (`550`), nodemailer code (`EENVELOPE`), Twilio error code (`21211`) or socket code. */
  code: string;
  message: string;
}

/** The error type name the send path gives non-retryable provider failures (ApplicationFailure type). */
export const PERMANENT_PROVIDER_ERROR = 'ProviderPermanentError';

/**
 * Failures that happen before a connection carries any request: no server ever saw the message. Everything else on
 * a socket (a reset, a timeout, a hang-up, an abort) may come after the request was written.
 */
const BEFORE_REQUEST_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** nodemailer's codes for a mail that can never be sent as it is (bad envelope, unbuildable message). */
const SMTP_PERMANENT_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'ESTREAM']);

interface ErrorFields {
  code?: unknown;
  status?: unknown;
  responseCode?: unknown;
  contentWritten?: unknown;
  message?: unknown;
}

export function classifyProviderError(err: unknown): ProviderErrorClassification {
  const fields: ErrorFields = typeof err === 'object' && err !== null ? (err as ErrorFields) : {};
  const message = typeof fields.message === 'string' ? fields.message : String(err);

  if (isTwilioRestException(err)) {
    const code = typeof err.code === 'number' ? err.code : undefined;
    const status = err.status;
    const reported = String(code ?? status);
    // A 5xx may come after Twilio created the message; a 4xx with Twilio's error body says it did not.
    if (status >= 500 || code === undefined) return { kind: 'unknown', provider: 'twilio', code: reported, message };
    // Any other 4xx: the request itself is wrong (invalid 'To' 21211, unsubscribed 21610, bad credentials 20003...).
    const transient = status === 429 || code === 20429;
    return { kind: transient ? 'transient' : 'permanent', provider: 'twilio', code: reported, message };
  }

  // SMTP: a reply code is the server's own answer (RFC 5321: 5xx permanent, 4xx transient), even after DATA.
  if (typeof fields.responseCode === 'number' && fields.responseCode >= 400) {
    const kind = fields.responseCode >= 500 ? 'permanent' : 'transient';
    return { kind, provider: 'smtp', code: String(fields.responseCode), message };
  }

  const code = typeof fields.code === 'string' ? fields.code : '';
  if (typeof fields.contentWritten === 'boolean') {
    // An SmtpSendError: no reply; whether the server may hold the mail depends on how far the attempt got.
    if (fields.contentWritten) return { kind: 'unknown', provider: 'smtp', code, message };
    const kind = SMTP_PERMANENT_CODES.has(code) ? 'permanent' : 'transient';
    return { kind, provider: 'smtp', code, message };
  }
  if (BEFORE_REQUEST_CODES.has(code)) return { kind: 'transient', provider: 'network', code, message };
  // Anything else may have reached the provider: unknown, never resent (at most once).
  return { kind: 'unknown', provider: code ? 'network' : 'unknown', code, message };
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
