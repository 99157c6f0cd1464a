import type { FastifyPluginAsync } from 'fastify';
import { registry } from '../../metrics/registry';

/**
 * Prometheus metrics of this process (no customer data in any label). Unauthenticated like /health, so Prometheus
 * can scrape it; expose the API's port privately or block /metrics at the proxy.
 */
export const metricsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
};
