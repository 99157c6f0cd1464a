import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Client } from '@temporalio/client';
import { journeyStepCounts } from '../analytics/journey-step-counts';
import type { Config } from '../config';
import { modelsReady } from '../models/ready';
import { createEventRouter, type RouterDeps } from '../routing/event-router';
import { customerModel } from '../routing/segment-upkeep';
import { apiKeyAuth } from './plugins/api-key-auth';
import { customerAccess } from './plugins/customer-access';
import { ApiError, installErrorHandler, statusName } from './plugins/error-handler';
import { answerMethodNotAllowed } from './plugins/method-not-allowed';
import { clientErrorHandler } from './plugins/client-errors';
import { createPayloadCodec } from '../codec/data-converter';
import { countEventOutcomes } from './plugins/event-metrics';
import { catalogRoutes } from './routes/catalog';
import { diagramApiRoutes, diagramPageRoutes, type StepCountsSource } from './routes/diagrams';
import { codecRoutes } from './routes/codec';
import { customerTokenRoutes } from './routes/customer-tokens';
import { eventRoutes } from './routes/events';
import { identifyRoutes } from './routes/identify';
import { experimentRoutes } from './routes/experiments';
import { journeyStatsRoutes } from './routes/journey-stats';
import { metricsRoutes } from './routes/metrics';
import { profileRoutes } from './routes/profiles';
import { runRoutes } from './routes/runs';
import { segmentRoutes } from './routes/segments';
import { twilioWebhookRoutes } from './routes/twilio-webhooks';
import { unsubscribeRoutes } from './routes/unsubscribe';
import { webMessageRoutes } from './routes/web-messages';
import { ERROR_STATUSES, errorBody } from './schemas';

/** Well under Temporal's 2 MB payload limit; an event's data is limited further (signals/limits.ts). */
export const API_BODY_LIMIT_BYTES = 1024 * 1024;

export interface ServerDeps {
  config: Config;
  temporal: Client;
  logger?: boolean | object;
  /** Where the journey diagram page's step counts come from: journey analytics unless another source is given. */
  stepCounts?: StepCountsSource;
  /** How often web-message streams poll (tests make it short). */
  streamPollMs?: number;
}

/** The HTTP API, ready to `listen` (or `inject` in tests). MongoDB must be connected (mongoose) by the caller. */
export async function buildServer({
  config,
  temporal,
  logger = false,
  stepCounts = (query) => journeyStepCounts(temporal, query),
  streamPollMs,
}: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    bodyLimit: API_BODY_LIMIT_BYTES,
    // Path parameters up to a workflow id's length; past it, and for malformed URLs, the one error shape too.
    routerOptions: { maxParamLength: 1000 },
    clientErrorHandler,
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode ?? 400;
      void (reply as FastifyReply)
        .code(status)
        .send({ error: statusName(status), message: error.message, details: [] });
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  app.addHook('onReady', modelsReady);
  answerMethodNotAllowed(app);
  // A multipart body without its boundary cannot be parsed: said before the parser fails on it.
  app.addHook('onRequest', async (request) => {
    const type = request.headers['content-type'];
    if (type && /^multipart\/form-data/i.test(type) && !/boundary=/i.test(type)) {
      throw new ApiError(400, 'bad_request', 'Content-Type multipart/form-data needs its boundary parameter');
    }
  });
  // Every route documents (and serializes) the one error shape for each error status it does not describe itself.
  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide) return;
    const errors = Object.fromEntries(ERROR_STATUSES.map((status) => [status, errorBody]));
    route.schema.response = { ...errors, ...(route.schema.response as object | undefined) };
  });
  // Forms as browsers and mailbox providers post them (RFC 8058 one-click, the unsubscribe page's button, Twilio's
  // webhooks): urlencoded and multipart, for every route, so no route depends on where a parser was registered.
  await app.register(formbody);
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fields: 50, fieldSize: 64 * 1024, files: 0, parts: 50 },
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Waymark API', version: '1', description: 'Events in, journeys out.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (API_KEYS), scoped: see README' },
          customerToken: {
            type: 'apiKey',
            in: 'query',
            name: 'access_token',
            description: 'A customer token (POST /v1/customer-tokens), also accepted as a bearer token',
          },
        },
      },
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

  // Behind an API key with the scope each route names (api/plugins/api-key-auth.ts).
  await app.register(async (keyed) => {
    keyed.addHook('onRequest', apiKeyAuth(config.API_KEYS));
    await keyed.register(async (events) => {
      countEventOutcomes(events);
      await events.register(eventRoutes, { routeEvent });
    });
    await keyed.register(profileRoutes, { router, temporal });
    await keyed.register(identifyRoutes, { router });
    await keyed.register(segmentRoutes);
    await keyed.register(runRoutes, { temporal });
    await keyed.register(catalogRoutes, { temporal });
    await keyed.register(diagramApiRoutes);
    await keyed.register(customerTokenRoutes, { config });
    await keyed.register(journeyStatsRoutes, { temporal });
    await keyed.register(experimentRoutes);
  });
  // An admin key, or a customer token for that customer (what a browser holds).
  await app.register(async (customer) => {
    customer.addHook(
      'onRequest',
      customerAccess({ apiKeys: config.API_KEYS, customerTokenSecret: config.CUSTOMER_TOKEN_SECRET }),
    );
    await customer.register(webMessageRoutes, {
      routeEvent,
      streamPollMs,
      maxStreamsPerCustomer: config.SSE_MAX_STREAMS_PER_CUSTOMER,
    });
  });
  // The codec server for the Temporal UI and the temporal CLI: a codec (or admin) key, CORS for the UI's origins.
  await app.register(codecRoutes, {
    prefix: '/v1/codec',
    codec: createPayloadCodec(config),
    apiKeys: config.API_KEYS,
    corsOrigins: config.CODEC_CORS_ORIGINS,
  });
  // Their own checks: a signed unsubscribe token, Twilio's request signature (only with a token to check it with).
  await app.register(unsubscribeRoutes, { config, routeEvent });
  const twilioAuthToken = config.TWILIO_AUTH_TOKEN;
  if (twilioAuthToken) {
    await app.register(twilioWebhookRoutes, { config: { ...config, TWILIO_AUTH_TOKEN: twilioAuthToken }, routeEvent });
  } else {
    app.log.warn('TWILIO_AUTH_TOKEN is not set: the Twilio webhooks are not mounted');
  }
  // A page for people's browsers: journey structure and aggregate counts, no personal data.
  await app.register(diagramPageRoutes, { stepCounts });
  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
  await app.register(metricsRoutes);
  return app;
}
