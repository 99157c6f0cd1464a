import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteEvent } from '../../sdk/contracts/routing';
import { WebMessage, type WebMessageDocument } from '../../models/web-message';

export interface WebMessageRoutesOptions {
  routeEvent: RouteEvent;
  /**
   * How often the live stream looks for new messages. MongoDB change streams would push them, but FerretDB has
   * none, and the messages are written by the worker process, so the stream polls (one indexed query per tick).
   */
  streamPollMs?: number;
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

const customerParams = z.object({ id: z.string().min(1) });
const messageParams = z.object({
  id: z.string().min(1),
  messageId: z.string().min(1),
  action: z.enum(['seen', 'clicked']),
});

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
 * In-app messages for the customer's site or app (stored by the send path, see delivery/send-web.ts).
 *   GET  /v1/customers/:id/web-messages                          unexpired, unseen first, newest first within each
 *   GET  /v1/customers/:id/web-messages/stream                   server-sent events, one `message` event per new one
 *   POST /v1/customers/:id/web-messages/:messageId/seen|clicked  recorded once, and routed as `message.engaged`
 */
export const webMessageRoutes: FastifyPluginAsync<WebMessageRoutesOptions> = async (app, opts) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const pollMs = opts.streamPollMs ?? 1000;

  api.get(
    '/v1/customers/:id/web-messages',
    {
      schema: {
        params: customerParams,
        response: { 200: z.object({ messages: z.array(webMessage) }) },
        tags: ['web messages'],
        summary: "The customer's unexpired in-app messages, unseen first",
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
      schema: { params: customerParams, tags: ['web messages'], summary: 'New in-app messages as server-sent events' },
    },
    async (request, reply) => {
      const customerId = request.params.id;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: ${Math.max(pollMs, 1000)}\n\n`);
      // Messages created from now on (the list endpoint serves the ones before); ids already sent are skipped, so
      // a message stamped in the same millisecond as the cursor is neither lost nor repeated.
      let since = new Date();
      const sent = new Set<string>();
      let busy = false;
      let closed = false;
      const tick = async () => {
        if (busy || closed) return;
        busy = true;
        try {
          const docs = await WebMessage.find({ customerId, createdAt: { $gte: since }, expiresAt: { $gt: new Date() } })
            .sort({ createdAt: 1 })
            .limit(100)
            .lean<WebMessageDocument[]>()
            .exec();
          for (const doc of docs) {
            if (sent.has(doc._id) || closed) continue;
            sent.add(doc._id);
            res.write(`id: ${doc._id}\nevent: message\ndata: ${JSON.stringify(toJson(doc))}\n\n`);
            if (doc.createdAt > since) since = doc.createdAt;
          }
          if (sent.size > 1000) sent.clear();
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
      });
      void tick();
    },
  );

  api.post(
    '/v1/customers/:id/web-messages/:messageId/:action',
    {
      schema: {
        params: messageParams,
        response: { 200: webMessage, 404: z.object({ error: z.string() }) },
        tags: ['web messages'],
        summary: 'Report a web message as seen or clicked (routed as message.engaged)',
      },
    },
    async (request, reply) => {
      const { id: customerId, messageId, action } = request.params;
      const field = action === 'seen' ? 'seenAt' : 'clickedAt';
      const doc = await WebMessage.findOne({ _id: messageId, customerId }).lean<WebMessageDocument>().exec();
      if (!doc) return reply.code(404).send({ error: `no web message ${messageId} for customer ${customerId}` });
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
