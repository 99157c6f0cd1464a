import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config';
import { changeConsent } from '../../delivery/change-consent';
import escapeHtml from 'escape-html';
import { verifyUnsubscribeToken, type UnsubscribeClaims } from '../../delivery/unsubscribe-token';
import type { RouteEvent } from '../../sdk/contracts/routing';

export interface UnsubscribeRoutesOptions {
  config: Pick<Config, 'UNSUBSCRIBE_SECRET'>;
  routeEvent: RouteEvent;
}

const query = z.object({ token: z.string().min(1).max(2000) });

/**
 * The links in every email (RFC 8058). Public: the signed token is the authorisation, and it can only revoke.
 *   GET  /v1/unsubscribe?token=  a small page with one button (a GET never changes anything: link scanners
 *                                and prefetchers follow links)
 *   POST /v1/unsubscribe?token=  one-click (body `List-Unsubscribe=One-Click`, sent by mailbox providers) or the
 *                                page's button: revokes the topic or channel and tells the customer's journeys.
 */
export const unsubscribeRoutes: FastifyPluginAsync<UnsubscribeRoutesOptions> = async (app, opts) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const claimsOf = (token: string) => verifyUnsubscribeToken(token, opts.config.UNSUBSCRIBE_SECRET);

  api.get(
    '/v1/unsubscribe',
    { schema: { querystring: query, tags: ['consent'], summary: 'Unsubscribe page for a signed link' } },
    async (request, reply) => {
      const claims = claimsOf(request.query.token);
      reply.type('text/html; charset=utf-8');
      if (!claims) return reply.code(400).send(page('This unsubscribe link is not valid.'));
      const action = `/v1/unsubscribe?token=${encodeURIComponent(request.query.token)}`;
      return page(
        `Stop receiving ${escapeHtml(what(claims))}?`,
        `<form method="post" action="${escapeHtml(action)}">` +
          '<input type="hidden" name="List-Unsubscribe" value="One-Click">' +
          '<button type="submit">Unsubscribe</button></form>',
      );
    },
  );

  api.post(
    '/v1/unsubscribe',
    {
      schema: {
        querystring: query,
        tags: ['consent'],
        summary: 'One-click unsubscribe (RFC 8058)',
      },
    },
    async (request, reply) => {
      const claims = claimsOf(request.query.token);
      if (!claims)
        return reply.code(400).type('text/html; charset=utf-8').send(page('This unsubscribe link is not valid.'));
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
        .send(page(`You will no longer receive ${escapeHtml(what(claims))}.`));
    },
  );
};

function what(claims: UnsubscribeClaims): string {
  const channel = claims.channel === 'email' ? 'emails' : claims.channel === 'sms' ? 'text messages' : 'messages';
  return claims.topic ? `${claims.topic} ${channel}` : `our ${channel}`;
}

function page(heading: string, body = ''): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" ' +
    'content="width=device-width,initial-scale=1"><title>Unsubscribe</title></head>' +
    `<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto"><h1>${heading}</h1>${body}</body></html>`
  );
}
