import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { modelsReady } from '../models/ready';
import { createEventRouter, type RouterDeps } from '../routing/event-router';
import { customerModel } from '../routing/segment-upkeep';
import { apiKeyAuth } from './plugins/api-key-auth';
import { installErrorHandler } from './plugins/error-handler';
import { catalogRoutes } from './routes/catalog';
import { diagramApiRoutes, diagramPageRoutes, type StepCountsSource } from './routes/diagrams';
import { eventRoutes } from './routes/events';
import { identifyRoutes } from './routes/identify';
import { profileRoutes } from './routes/profiles';
import { runRoutes } from './routes/runs';
import { segmentRoutes } from './routes/segments';
import { twilioWebhookRoutes } from './routes/twilio-webhooks';
import { unsubscribeRoutes } from './routes/unsubscribe';
import { webMessageRoutes } from './routes/web-messages';

/** Well under Temporal's 2 MB payload limit; an event's data is limited further (signals/limits.ts). */
export const API_BODY_LIMIT_BYTES = 1024 * 1024;

export interface ServerDeps {
  config: Config;
  temporal: Client;
  logger?: boolean | object;
  /** Step counts for the journey diagram page (journey analytics); without it the page draws no counts. */
  stepCounts?: StepCountsSource;
}

/** The HTTP API, ready to `listen` (or `inject` in tests). MongoDB must be connected (mongoose) by the caller. */
export async function buildServer({
  config,
  temporal,
  logger = false,
  stepCounts,
}: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger, bodyLimit: API_BODY_LIMIT_BYTES });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  app.addHook('onReady', modelsReady);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Waymark API', version: '1', description: 'Events in, journeys out.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const router: RouterDeps = {
    client: temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    customers: customerModel(config.SEGMENT_UPKEEP),
  };
  const routeEvent = createEventRouter(router);

  // Behind an API key: everything an event source, a site backend or an operator calls.
  await app.register(async (keyed) => {
    keyed.addHook('onRequest', apiKeyAuth(config.API_KEYS));
    await keyed.register(eventRoutes, { routeEvent });
    await keyed.register(profileRoutes, { router });
    await keyed.register(identifyRoutes, { router });
    await keyed.register(segmentRoutes);
    await keyed.register(runRoutes, { temporal });
    await keyed.register(catalogRoutes, { temporal });
    await keyed.register(diagramApiRoutes);
    await keyed.register(webMessageRoutes, { routeEvent });
  });
  // Their own checks: a signed unsubscribe token, Twilio's request signature.
  await app.register(unsubscribeRoutes, { config, routeEvent });
  await app.register(twilioWebhookRoutes, { config, routeEvent });
  // A page for people's browsers: journey structure and aggregate counts, no personal data.
  await app.register(diagramPageRoutes, { ...(stepCounts ? { stepCounts } : {}) });
  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
  return app;
}
