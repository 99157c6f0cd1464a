import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouterDeps } from '../../routing/event-router';
import { IdentityConflict, identify } from '../../routing/identify';
import { ANONYMOUS_CUSTOMER_PREFIX } from '../../sdk/customer-id';
import { ApiError } from '../plugins/error-handler';
import { customerIdSchema, phoneSchema, storableRecord } from '../schemas';

export interface IdentifyRoutesOptions {
  router: RouterDeps;
}

const statedConsent = z.object({
  status: z.enum(['granted', 'revoked']),
  topics: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), z.boolean()).optional(),
});

export const identifyBody = z
  .object({
    anonymousId: z.string().min(1).max(200).describe("The visitor's anonymous id, as sent with their events"),
    customerId: customerIdSchema
      .refine(
        (id) => !id.startsWith(ANONYMOUS_CUSTOMER_PREFIX),
        `ids starting with ${ANONYMOUS_CUSTOMER_PREFIX} are anonymous`,
      )
      .optional(),
    email: z.email().optional(),
    phone: phoneSchema.optional(),
    traits: storableRecord.optional().describe('Win over both profiles on a merge'),
    consent: z
      .object({ email: statedConsent, sms: statedConsent, web: statedConsent })
      .partial()
      .optional()
      .describe('What the customer states now (wins over the merge rule: the more restrictive statement)'),
    source: z.string().min(1).max(100).optional().describe('Who asks, recorded on the merge, e.g. web-login'),
  })
  .refine((b) => b.customerId ?? b.email ?? b.phone, {
    message: 'name the known customer with customerId, email or phone',
    path: ['customerId'],
  });

const identifyResult = z.object({
  customerId: z.string(),
  matchedBy: z.enum(['customerId', 'email', 'phone', 'created']),
  merged: z.object({ from: z.string(), mergeId: z.string() }).optional(),
  alreadyIdentified: z.boolean(),
  runs: z.array(
    z.object({ journey: z.string(), workflowId: z.string(), action: z.string(), reason: z.string().optional() }),
  ),
  segments: z.array(z.object({ segment: z.string(), version: z.number(), change: z.enum(['entered', 'exited']) })),
});

/** The presented API key as a short fingerprint (never the key): who asked, in the merge record. */
function keyFingerprint(request: FastifyRequest): string | undefined {
  const bearer = request.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  const header = request.headers['x-api-key'];
  const key = bearer ?? (typeof header === 'string' ? header : undefined);
  return key ? createHash('sha256').update(key).digest('hex').slice(0, 12) : undefined;
}

/**
 * POST /v1/identify: an anonymous visitor logged in or gave their email. Merges their anonymous profile into the
 * known customer's (docs/identity.md); their open runs go on for the customer. 409 when an identity belongs to
 * another profile, naming both.
 */
export const identifyRoutes: FastifyPluginAsync<IdentifyRoutesOptions> = async (app, { router }) => {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/identify',
    {
      schema: {
        tags: ['profiles'],
        summary: 'Tie an anonymous visitor to a known customer (merge)',
        body: identifyBody,
        response: { 200: identifyResult },
      },
    },
    async (request) => {
      const { source, ...stated } = request.body;
      const fingerprint = keyFingerprint(request);
      const by = {
        source: source ?? 'api',
        request: String(request.id),
        ...(fingerprint ? { apiKey: fingerprint } : {}),
      };
      try {
        return await identify(router, { ...stated, by });
      } catch (error) {
        if (error instanceof IdentityConflict) {
          throw new ApiError(409, 'identity_conflict', error.message, [
            {
              field: error.field,
              rule: 'identity_conflict',
              message: `held by profiles ${[...error.profiles].sort().join(', ')}`,
            },
          ]);
        }
        throw error;
      }
    },
  );
};
