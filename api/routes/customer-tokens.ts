import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config';
import { signCustomerToken } from '../customer-token';
import { customerIdSchema } from '../schemas';

export interface CustomerTokenRoutesOptions {
  config: Pick<Config, 'CUSTOMER_TOKEN_SECRET' | 'CUSTOMER_TOKEN_TTL_SECONDS'>;
}

/**
 * POST /v1/customer-tokens: the site's backend (a `site` or `admin` key) mints a short-lived token for the customer
 * signed in on it, and hands it to that customer's browser, which reads its web messages and their stream with it.
 */
export const customerTokenRoutes: FastifyPluginAsync<CustomerTokenRoutesOptions> = async (app, { config }) => {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/customer-tokens',
    {
      config: { scope: 'site' },
      schema: {
        tags: ['web messages'],
        summary: "Mint a short-lived token for one customer's web messages (site backends)",
        body: z.object({
          customerId: customerIdSchema,
          ttlSeconds: z
            .number()
            .int()
            .min(10)
            .max(config.CUSTOMER_TOKEN_TTL_SECONDS)
            .optional()
            .describe('Shorter than the default (CUSTOMER_TOKEN_TTL_SECONDS) if you like'),
        }),
        response: {
          201: z.object({ token: z.string(), customerId: z.string(), expiresAt: z.string() }),
        },
      },
    },
    async (request, reply) => {
      const ttl = request.body.ttlSeconds ?? config.CUSTOMER_TOKEN_TTL_SECONDS;
      const exp = Math.floor(Date.now() / 1000) + ttl;
      const token = signCustomerToken({ customerId: request.body.customerId, exp }, config.CUSTOMER_TOKEN_SECRET);
      return reply
        .code(201)
        .send({ token, customerId: request.body.customerId, expiresAt: new Date(exp * 1000).toISOString() });
    },
  );
};
