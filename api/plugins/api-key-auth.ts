import type { FastifyReply, FastifyRequest } from 'fastify';

/** onRequest hook: an API key in `Authorization: Bearer <key>` or `x-api-key`, else 401. */
export function apiKeyAuth(apiKeys: string) {
  const keys = new Set(
    apiKeys
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  );
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const bearer = request.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    const header = request.headers['x-api-key'];
    const key = bearer ?? (typeof header === 'string' ? header : undefined);
    if (!key || !keys.has(key)) {
      await reply.code(401).send({
        error: 'unauthorized',
        message: 'Send an API key as `Authorization: Bearer <key>` or `x-api-key: <key>` (see API_KEYS).',
      });
    }
  };
}
