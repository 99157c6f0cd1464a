import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteEvent } from '../../sdk/contracts/routing';
import { WebMessage, type WebMessageDocument } from '../../models/web-message';
import { ApiError } from '../plugins/error-handler';
import { customerIdSchema } from '../schemas';
import { StreamCursor } from '../stream-cursor';

export interface WebMessageRoutesOptions {
  routeEvent: RouteEvent;
  /**
   * How often the live stream looks for new messages. MongoDB change streams would push them, but FerretDB has
   * none, and the messages are written by the worker process, so the stream polls (one indexed query per tick).
   */
  streamPollMs?: number;
  /** Open streams one customer may hold on this API process; one more answers 429. */
  maxStreamsPerCustomer: number;
  /** How far back each poll looks again (clock skew between workers, writes that land late), see StreamCursor. */
  streamLookbackMs?: number;
}

const webMessage = z.object({
  id: z.string(),
  journey: z.string(),
  title: z.string(),
  body: z.string(),
  url: z.string().optional(),
  createdAt: z.string(),
  expiresAt: z.string(),
  seenAt: z.string().optional(),
  clickedAt: z.string().optional(),
});

const accessToken = z
  .string()
  .min(1)
  .max(1000)
  .optional()
  .describe('A customer token, for clients that cannot send headers (EventSource)');
const customerParams = z.object({ id: customerIdSchema });
const messageParams = z.object({
  id: customerIdSchema,
  messageId: z.string().min(1).max(600),
  action: z.enum(['seen', 'clicked']),
});
const security: Array<Record<string, string[]>> = [{ apiKey: [] }, { customerToken: [] }];

function toJson(doc: WebMessageDocument): z.infer<typeof webMessage> {
  return {
    id: doc._id,
    journey: doc.journey,
    title: doc.title,
    body: doc.body,
    ...(doc.url ? { url: doc.url } : {}),
    createdAt: doc.createdAt.toISOString(),
    expiresAt: doc.expiresAt.toISOString(),
    ...(doc.seenAt ? { seenAt: doc.seenAt.toISOString() } : {}),
    ...(doc.clickedAt ? { clickedAt: doc.clickedAt.toISOString() } : {}),
  };
}

/**
 * In-app messages for the customer's site or app (stored by the send path, see delivery/send-web.ts). Behind
 * `customerAccess` (api/plugins/customer-access.ts): an admin key, or a customer token for that customer.
 *   GET  /v1/customers/:id/web-messages                          unexpired, unseen first, newest first within each
 *   GET  /v1/customers/:id/web-messages/stream                   server-sent events, one `message` event per new one
 *   POST /v1/customers/:id/web-messages/:messageId/seen|clicked  recorded once, and routed as `message.engaged`
 */
export const webMessageRoutes: FastifyPluginAsync<WebMessageRoutesOptions> = async (app, opts) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const pollMs = opts.streamPollMs ?? 1000;
  const openStreams = new Map<string, number>();

  api.get(
    '/v1/customers/:id/web-messages',
    {
      schema: {
        params: customerParams,
        querystring: z.object({ access_token: accessToken }),
        response: { 200: z.object({ messages: z.array(webMessage) }) },
        tags: ['web messages'],
        summary: "The customer's unexpired in-app messages, unseen first",
        security,
      },
    },
    async (request) => {
      const docs = await WebMessage.find({ customerId: request.params.id, expiresAt: { $gt: new Date() } })
        .sort({ createdAt: -1 })
        .limit(200)
        .lean<WebMessageDocument[]>()
        .exec();
      const unseenFirst = [...docs.filter((d) => !d.seenAt), ...docs.filter((d) => d.seenAt)];
      return { messages: unseenFirst.map(toJson) };
    },
  );

  api.get(
    '/v1/customers/:id/web-messages/stream',
    {
      schema: {
        params: customerParams,
        querystring: z.object({ access_token: accessToken }),
        response: {
          200: {
            description: 'text/event-stream: `id: <message id>`, `event: message`, `data: <web message JSON>`',
            content: { 'text/event-stream': { schema: z.string() } },
          },
        },
        tags: ['web messages'],
        summary: 'New in-app messages as server-sent events (EventSource: pass the customer token as access_token)',
        security,
      },
    },
    async (request, reply) => {
      const customerId = request.params.id;
      const open = openStreams.get(customerId) ?? 0;
      if (open >= opts.maxStreamsPerCustomer) {
        throw new ApiError(
          429,
          'too_many_streams',
          `customer ${customerId} already has ${open} open streams (SSE_MAX_STREAMS_PER_CUSTOMER); close one first`,
        );
      }
      openStreams.set(customerId, open + 1);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: ${Math.max(pollMs, 1000)}\n\n`);
      const lastEventId = request.headers['last-event-id'];
      const resumeAfter =
        typeof lastEventId === 'string'
          ? await WebMessage.findOne({ _id: lastEventId, customerId }, { createdAt: 1 })
              .lean<WebMessageDocument>()
              .exec()
          : null;
      const cursor = new StreamCursor(resumeAfter?.createdAt ?? new Date(), opts.streamLookbackMs);
      if (resumeAfter) cursor.markSent({ id: resumeAfter._id, createdAt: resumeAfter.createdAt });
      let busy = false;
      let closed = false;
      const tick = async () => {
        if (busy || closed) return;
        busy = true;
        try {
          const docs = await WebMessage.find({
            customerId,
            createdAt: { $gte: cursor.floor() },
            expiresAt: { $gt: new Date() },
          })
            .sort({ createdAt: 1, _id: 1 })
            .limit(500)
            .lean<WebMessageDocument[]>()
            .exec();
          for (const doc of cursor.unsent(docs.map((d) => ({ ...d, id: d._id })))) {
            if (closed) break;
            res.write(`id: ${doc._id}\nevent: message\ndata: ${JSON.stringify(toJson(doc))}\n\n`);
          }
        } catch (err) {
          request.log.warn({ err }, 'web message stream poll failed');
        } finally {
          busy = false;
        }
      };
      const poll = setInterval(() => void tick(), pollMs);
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      request.raw.on('close', () => {
        closed = true;
        clearInterval(poll);
        clearInterval(keepAlive);
        const left = (openStreams.get(customerId) ?? 1) - 1;
        if (left > 0) openStreams.set(customerId, left);
        else openStreams.delete(customerId);
      });
      void tick();
    },
  );

  api.post(
    '/v1/customers/:id/web-messages/:messageId/:action',
    {
      schema: {
        params: messageParams,
        querystring: z.object({ access_token: accessToken }),
        response: { 200: webMessage },
        tags: ['web messages'],
        summary: 'Report a web message as seen or clicked (routed as message.engaged)',
        security,
      },
    },
    async (request) => {
      const { id: customerId, messageId, action } = request.params;
      const field = action === 'seen' ? 'seenAt' : 'clickedAt';
      const doc = await WebMessage.findOne({ _id: messageId, customerId }).lean<WebMessageDocument>().exec();
      if (!doc) throw new ApiError(404, 'not_found', `no web message ${messageId} for customer ${customerId}`);
      if (doc[field]) return toJson(doc);
      // Routed before it is recorded: if recording fails, the client's retry routes again and the event id
      // (one per message and action) dedupes it; the other order could record and never tell the journey.
      const at = new Date();
      await opts.routeEvent({
        id: `web:${messageId}:${action}`,
        signal: 'message.engaged',
        version: 1,
        customerId,
        occurredAt: at.toISOString(),
        data: {
          deliveryId: messageId,
          channel: 'web',
          action,
          journey: doc.journey,
          ...(action === 'clicked' && doc.url ? { url: doc.url } : {}),
        },
      });
      await WebMessage.updateOne({ _id: messageId, [field]: { $exists: false } }, { $set: { [field]: at } }).exec();
      return toJson({ ...doc, [field]: at });
    },
  );
};
