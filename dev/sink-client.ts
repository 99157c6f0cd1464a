import type { SinkMail, SmtpSinkFault } from './smtp-sink';
import type { SinkSms, TwilioSinkFault } from './twilio-sink';

// Typed HTTP access to the two sinks for tests and scripts that only know their URLs
// (SMTP_SINK_URL = the SMTP sink's httpUrl, TWILIO_API_URL = the Twilio sink's url).

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return (await res.json()) as T;
}

async function send(method: 'PUT' | 'DELETE', url: string, body?: object): Promise<void> {
  const res = await fetch(url, {
    method,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`);
}

async function waitUntil<T>(read: () => Promise<T[]>, count: number, timeoutMs: number, what: string): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = await read();
    if (items.length >= count) return items;
    if (Date.now() > deadline)
      throw new Error(`expected ${count} ${what}, found ${items.length} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Mail the SMTP sink kept, oldest first; `to` keeps those addressed to it. */
export function listSinkMails(smtpSinkUrl: string, to?: string): Promise<SinkMail[]> {
  return getJson(`${smtpSinkUrl}/messages${to ? `?to=${encodeURIComponent(to)}` : ''}`);
}

/** Polls until at least `count` mails (to `to`, if given) are kept; throws after `timeoutMs`. */
export function waitForSinkMails(smtpSinkUrl: string, opts: { to?: string; count?: number; timeoutMs?: number } = {}) {
  return waitUntil(() => listSinkMails(smtpSinkUrl, opts.to), opts.count ?? 1, opts.timeoutMs ?? 10_000, 'mails');
}

export async function clearSinkMails(smtpSinkUrl: string): Promise<void> {
  await fetch(`${smtpSinkUrl}/messages`, { method: 'DELETE' });
}

/** SMS the Twilio sink kept, oldest first; `to` keeps those sent to that number. */
export function listSinkSms(twilioSinkUrl: string, to?: string): Promise<SinkSms[]> {
  return getJson(`${twilioSinkUrl}/_sink/messages${to ? `?to=${encodeURIComponent(to)}` : ''}`);
}

export function waitForSinkSms(twilioSinkUrl: string, opts: { to?: string; count?: number; timeoutMs?: number } = {}) {
  return waitUntil(() => listSinkSms(twilioSinkUrl, opts.to), opts.count ?? 1, opts.timeoutMs ?? 10_000, 'SMS');
}

/** Forgets kept SMS and the opt-outs learned from inbound STOP messages. */
export async function clearSinkSms(twilioSinkUrl: string): Promise<void> {
  await fetch(`${twilioSinkUrl}/_sink/messages`, { method: 'DELETE' });
}

/**
 * Makes the Twilio sink deliver a signed inbound SMS webhook (a customer texting `body` from `from` to our number
 * `to`) to `url`, and returns the app's answer.
 */
export async function sendInboundSms(
  twilioSinkUrl: string,
  sms: { from: string; to: string; body: string; url: string },
): Promise<{ status: number; body: string }> {
  const res = await fetch(`${twilioSinkUrl}/_sink/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(sms),
  });
  if (!res.ok) throw new Error(`the Twilio sink could not deliver the inbound SMS: ${await res.text()}`);
  return (await res.json()) as { status: number; body: string };
}

/** Makes the SMTP sink misbehave for mails to `address` (the next `times` ones; default until cleared). */
export function setSmtpSinkFault(smtpSinkUrl: string, address: string, fault: SmtpSinkFault, times?: number) {
  return send('PUT', `${smtpSinkUrl}/faults/${encodeURIComponent(address)}`, { fault, times });
}

export function clearSmtpSinkFaults(smtpSinkUrl: string) {
  return send('DELETE', `${smtpSinkUrl}/faults`);
}

/** Makes the Twilio sink misbehave for messages to `to` (the next `times` ones; default until cleared). */
export function setTwilioSinkFault(
  twilioSinkUrl: string,
  to: string,
  fault: TwilioSinkFault,
  opts: { times?: number; holdMs?: number } = {},
) {
  return send('PUT', `${twilioSinkUrl}/_sink/faults/${encodeURIComponent(to)}`, { fault, ...opts });
}

export function clearTwilioSinkFaults(twilioSinkUrl: string) {
  return send('DELETE', `${twilioSinkUrl}/_sink/faults`);
}
