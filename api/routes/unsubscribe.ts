import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import escapeHtml from 'escape-html';
import type { Config } from '../../config';
import { changeConsent } from '../../delivery/change-consent';
import { unsubscribeUrl, verifyUnsubscribeToken, type UnsubscribeClaims } from '../../delivery/unsubscribe-token';
import { journeyCatalog } from '../../journeys';
import type { RouteEvent } from '../../sdk/contracts/routing';
import { htmlPage, pageError } from '../html-page';
import { errorBody } from '../schemas';

export interface UnsubscribeRoutesOptions {
  config: Pick<Config, 'UNSUBSCRIBE_SECRET'>;
  routeEvent: RouteEvent;
}

// Bounded so the request line stays well inside Node's header limit even percent-encoded (a real token is ~300).
const query = z.object({ token: z.string().min(1).max(1000) });
const html = z.string().describe('an HTML page');
const pageOrError = (description: string) => ({
  description,
  content: { 'text/html': { schema: html }, 'application/json': { schema: errorBody } },
});
const page200 = { description: 'the page', content: { 'text/html': { schema: html } } };
const INVALID = { error: 'invalid_token', message: 'This link is not valid.' };

/**
 * The links in every email. Public: the signed token is the authorisation, and it can only revoke.
 *   GET  /v1/unsubscribe?token=  a small page with one button (a GET never changes anything: link scanners
 *                                and prefetchers follow links)
 *   POST /v1/unsubscribe?token=  RFC 8058 one-click (a form body `List-Unsubscribe=One-Click`, urlencoded or
 *                                multipart, as mailbox providers send it) or the page's button: revokes the topic or
 *                                channel and tells the customer's journeys.
 *   GET  /v1/why?token=&journey= the "why you got this" page: which journey sent the message, why, how to stop it.
 * A bad token answers 400: a page for a browser, the JSON error shape for anything else.
 */
export const unsubscribeRoutes: FastifyPluginAsync<UnsubscribeRoutesOptions> = async (app, opts) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const claimsOf = (token: string) => verifyUnsubscribeToken(token, opts.config.UNSUBSCRIBE_SECRET);

  api.get(
    '/v1/unsubscribe',
    {
      schema: {
        querystring: query,
        tags: ['consent'],
        summary: 'Unsubscribe page for a signed link',
        security: [],
        response: { 200: page200, 400: pageOrError('the link is not valid') },
      },
    },
    async (request, reply) => {
      const claims = claimsOf(request.query.token);
      if (!claims) return pageError(request, reply, 400, INVALID, 'Unsubscribe');
      return reply
        .type('text/html; charset=utf-8')
        .send(htmlPage('Unsubscribe', `Stop receiving ${escapeHtml(what(claims))}?`, button(request.query.token)));
    },
  );

  api.post(
    '/v1/unsubscribe',
    {
      schema: {
        querystring: query,
        tags: ['consent'],
        summary: 'One-click unsubscribe (RFC 8058): form body List-Unsubscribe=One-Click',
        security: [],
        response: { 200: page200, 400: pageOrError('the link is not valid') },
      },
    },
    async (request, reply) => {
      const claims = claimsOf(request.query.token);
      if (!claims) return pageError(request, reply, 400, INVALID, 'Unsubscribe');
      const at = new Date();
      const found = await changeConsent({ ...claims, status: 'revoked', source: 'unsubscribe-link', at });
      if (found) {
        // The profile already says revoked (the send path reads it there); telling the journeys is best effort.
        await opts
          .routeEvent({
            // One event per link and minute: a provider's repeated one-click POSTs dedupe, a later change does not.
            id: `unsubscribe:${request.query.token.slice(-22)}:${at.toISOString().slice(0, 16)}`,
            signal: 'consent.changed',
            version: 1,
            customerId: claims.customerId,
            occurredAt: at.toISOString(),
            data: {
              channel: claims.channel,
              status: 'revoked',
              ...(claims.topic ? { topic: claims.topic } : {}),
              source: 'unsubscribe-link',
            },
          })
          .catch((err: unknown) => request.log.error({ err }, 'could not route consent.changed'));
      }
      // An unknown customer gets the same answer: the link reveals nothing.
      return reply
        .type('text/html; charset=utf-8')
        .send(htmlPage('Unsubscribe', `You will no longer receive ${escapeHtml(what(claims))}.`));
    },
  );

  api.get(
    '/v1/why',
    {
      schema: {
        querystring: query.extend({ journey: z.string().min(1).max(100) }),
        tags: ['consent'],
        summary: 'Why you got this message: the journey, its reason, and how to stop it',
        security: [],
        response: { 200: page200, 400: pageOrError('the link is not valid') },
      },
    },
    async (request, reply) => {
      const claims = claimsOf(request.query.token);
      if (!claims) return pageError(request, reply, 400, INVALID, 'Why you got this');
      const journey = [...journeyCatalog]
        .filter((w) => w.journey.name === request.query.journey)
        .sort((a, b) => b.journey.version - a.journey.version)[0]?.journey;
      const name = escapeHtml(request.query.journey.replace(/-/g, ' '));
      const paragraphs = [
        journey?.reason ? `We sent it because ${escapeHtml(journey.reason)}.` : undefined,
        journey?.description ? `About these messages: ${escapeHtml(journey.description)}` : undefined,
        'We only send it while you have not opted out of this channel or topic, outside quiet hours, and within a ' +
          'limit on how many messages you get. Every message is recorded once, so a retry never sends it twice.',
        `You can stop ${escapeHtml(what(claims))} here:`,
      ].filter(Boolean);
      return reply
        .type('text/html; charset=utf-8')
        .send(
          htmlPage(
            'Why you got this',
            `Why you got this message from our ${name} messages`,
            paragraphs.map((p) => `<p>${p}</p>`).join('') + button(request.query.token),
          ),
        );
    },
  );
};

function button(token: string): string {
  const action = unsubscribeUrl('', token);
  return (
    `<form method="post" action="${escapeHtml(action)}">` +
    '<input type="hidden" name="List-Unsubscribe" value="One-Click">' +
    '<button type="submit">Unsubscribe</button></form>'
  );
}

function what(claims: UnsubscribeClaims): string {
  const channel = claims.channel === 'email' ? 'emails' : claims.channel === 'sms' ? 'text messages' : 'messages';
  return claims.topic ? `${claims.topic} ${channel}` : `our ${channel}`;
}
