import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import type { Config } from '../../config';
import { changeConsent } from '../../delivery/change-consent';
import { recordSmsStatus } from '../../delivery/ledger';
import { Profile } from '../../models/profile';
import type { RouteEvent } from '../../sdk/contracts/routing';
import { ApiError } from '../plugins/error-handler';

export interface TwilioWebhookOptions {
  config: Pick<Config, 'PUBLIC_URL'> & { TWILIO_AUTH_TOKEN: string };
  routeEvent: RouteEvent;
  /** The HELP reply (carriers require one naming the sender and how to opt out). */
  helpText?: string;
}

// Twilio's standard opt-out and opt-in keywords (carrier rules); matched on the whole trimmed message.
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);

const DEFAULT_HELP =
  'Waymark notifications. Reply STOP to unsubscribe, START to resubscribe. Msg & data rates may apply.';

type Form = Record<string, string>;

/**
 * Twilio's webhooks. Public, but every request must carry a valid X-Twilio-Signature for PUBLIC_URL + the path and
 * query it was sent to (forged or altered → 403). Twilio retries webhooks, so both handlers are idempotent. Mounted
 * only when TWILIO_AUTH_TOKEN is set (api/server.ts): a signature made with an empty key proves nothing.
 *   POST /v1/webhooks/twilio/status   delivery status → the ledger entry (by SID, or by the `delivery` query
 *                                     parameter the send path put in the callback URL)
 *   POST /v1/webhooks/twilio/inbound  STOP & co. revoke SMS consent, START & co. grant it, HELP answers (TwiML)
 */
export const twilioWebhookRoutes: FastifyPluginAsync<TwilioWebhookOptions> = async (app, opts) => {
  if (!opts.config.TWILIO_AUTH_TOKEN) throw new Error('the Twilio webhooks need TWILIO_AUTH_TOKEN');

  app.addHook('preHandler', async (request) => {
    const signature = request.headers['x-twilio-signature'];
    // Twilio signs the URL it called: our public URL (behind proxies, not the Host header) + path and query.
    const url = opts.config.PUBLIC_URL.replace(/\/$/, '') + request.url;
    if (
      typeof signature !== 'string' ||
      !isValidSignature(opts.config.TWILIO_AUTH_TOKEN, signature, url, formOf(request))
    ) {
      throw new ApiError(403, 'invalid_signature', 'X-Twilio-Signature does not match this request');
    }
  });

  app.post('/v1/webhooks/twilio/status', { schema: { tags: ['webhooks'], hide: true } }, async (request, reply) => {
    const form = formOf(request);
    const sid = form.MessageSid ?? form.SmsSid;
    const status = form.MessageStatus ?? form.SmsStatus;
    const delivery = (request.query as { delivery?: unknown }).delivery;
    if (!sid || !status) {
      throw new ApiError(400, 'validation', 'MessageSid and MessageStatus are required', [
        ...(sid ? [] : [{ field: 'MessageSid', rule: 'required', message: 'required' }]),
        ...(status ? [] : [{ field: 'MessageStatus', rule: 'required', message: 'required' }]),
      ]);
    }
    await recordSmsStatus({
      sid,
      status,
      at: new Date(),
      ...(form.ErrorCode ? { errorCode: form.ErrorCode } : {}),
      ...(typeof delivery === 'string' ? { deliveryId: delivery } : {}),
    });
    return reply.code(204).send();
  });

  app.post('/v1/webhooks/twilio/inbound', { schema: { tags: ['webhooks'], hide: true } }, async (request, reply) => {
    const form = formOf(request);
    const keyword = (form.Body ?? '').trim().toUpperCase();
    const from = form.From ?? '';
    reply.type('text/xml');
    if (HELP.has(keyword)) return twiml(opts.helpText ?? DEFAULT_HELP);
    const status = OPT_OUT.has(keyword) ? 'revoked' : OPT_IN.has(keyword) ? 'granted' : undefined;
    if (!status || !from) return twiml();
    const profile = await Profile.findOne({ phone: from }, { _id: 1 }).lean<{ _id: string }>().exec();
    if (profile) {
      const at = new Date();
      await changeConsent({ customerId: profile._id, channel: 'sms', status, source: 'sms-keyword', at });
      await opts.routeEvent({
        id: `twilio:${form.MessageSid ?? `${from}:${at.toISOString()}`}`,
        signal: 'consent.changed',
        version: 1,
        customerId: profile._id,
        occurredAt: at.toISOString(),
        data: { channel: 'sms', status, source: 'sms-keyword' },
      });
    }
    // Twilio's own opt-out handling sends the carrier-required confirmation for these keywords; no second reply.
    return twiml();
  });
};

function isValidSignature(authToken: string, signature: string, url: string, form: Form): boolean {
  try {
    return twilio.validateRequest(authToken, signature, url, form);
  } catch {
    return false; // an unparsable URL or signature is not a valid one
  }
}

function formOf(request: FastifyRequest): Form {
  const body = request.body;
  if (typeof body !== 'object' || body === null) return {};
  const form: Form = {};
  for (const [key, value] of Object.entries(body)) form[key] = Array.isArray(value) ? String(value[0]) : String(value);
  return form;
}

function twiml(message?: string): string {
  const response = new twilio.twiml.MessagingResponse();
  if (message) response.message(message);
  return response.toString();
}
