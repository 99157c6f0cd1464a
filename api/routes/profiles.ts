import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isDuplicateKey } from '../../models/mongo-errors';
import { Profile } from '../../models/profile';
import { ApiError } from '../plugins/error-handler';
import { customerIdSchema as customerId, phoneSchema } from '../schemas';

const channelConsent = z.object({
  status: z.enum(['granted', 'revoked', 'unknown']),
  topics: z.record(z.string(), z.boolean()).optional(),
});

/** A day (`2026-05-01`) or an instant with its offset. */
const dateOrDateTime = z.iso.date().or(z.iso.datetime({ offset: true }));

export const profileBody = z.object({
  email: z.email().optional(),
  phone: phoneSchema.optional(),
  anonymousIds: z.array(z.string().min(1)).optional(),
  firstName: z.string().max(200).optional(),
  lastName: z.string().max(200).optional(),
  timeZone: z
    .string()
    .refine(
      (tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC',
      'an IANA time zone, e.g. Europe/Paris',
    )
    .optional(),
  locale: z.string().max(35).optional(),
  consent: z.object({ email: channelConsent, sms: channelConsent, web: channelConsent }).partial().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  policies: z
    .array(
      z.object({
        policyId: z.string().min(1),
        product: z.string().min(1),
        status: z.enum(['active', 'lapsed', 'cancelled']).default('active'),
        renewalDate: dateOrDateTime.optional(),
      }),
    )
    .optional(),
  dependents: z
    .array(
      z.object({
        dependentId: z.string().min(1),
        firstName: z.string().optional(),
        birthDate: dateOrDateTime,
        policyId: z.string().optional(),
        customerId: customerId.optional(),
        covered: z.boolean().default(false),
      }),
    )
    .optional(),
});

function toResponse(doc: Record<string, unknown>) {
  const { _id, __v, ...rest } = doc;
  void __v;
  return JSON.parse(JSON.stringify({ id: _id, ...rest })) as Record<string, unknown>;
}

export const profileRoutes: FastifyPluginAsync = async (app) => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.put(
    '/v1/profiles/:id',
    {
      schema: {
        tags: ['profiles'],
        summary: 'Create or replace a customer profile',
        params: z.object({ id: customerId }),
        body: profileBody,
      },
    },
    async (request) => {
      const now = new Date();
      const consent = Object.fromEntries(
        Object.entries(request.body.consent ?? {}).map(([channel, c]) => [
          channel,
          { ...c, updatedAt: now, source: 'api' },
        ]),
      );
      try {
        const doc = await Profile.findOneAndReplace(
          { _id: request.params.id },
          { _id: request.params.id, ...request.body, consent },
          { upsert: true, new: true, runValidators: true },
        ).lean();
        return toResponse(doc as Record<string, unknown>);
      } catch (error) {
        if (isDuplicateKey(error)) {
          throw new ApiError(409, 'conflict', 'another profile already has this email or phone');
        }
        throw error;
      }
    },
  );

  api.get(
    '/v1/profiles/:id',
    { schema: { tags: ['profiles'], summary: 'Read a customer profile', params: z.object({ id: customerId }) } },
    async (request) => {
      const doc = await Profile.findById(request.params.id).lean();
      if (!doc) throw new ApiError(404, 'not_found', `no profile '${request.params.id}'`);
      return toResponse(doc as Record<string, unknown>);
    },
  );
};
