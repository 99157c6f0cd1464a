import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MergeRecord } from '../../models/merge';
import type { Client } from '@temporalio/client';
import { isDuplicateKey } from '../../models/mongo-errors';
import { Erasure } from '../../models/erasure';
import { eraseCustomer } from '../../privacy/erase-customer';
import { exportCustomer } from '../../privacy/export-customer';
import { Profile } from '../../models/profile';
import { refreshCustomer, type RouterDeps } from '../../routing/event-router';
import { ANONYMOUS_CUSTOMER_PREFIX } from '../../sdk/customer-id';
import { ApiError } from '../plugins/error-handler';
import { customerIdSchema as customerId, phoneSchema, storableRecord, topicName } from '../schemas';

const channelConsent = z.object({
  status: z.enum(['granted', 'revoked', 'unknown']),
  topics: z.record(topicName, z.boolean()).optional(),
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
  attributes: storableRecord.optional(),
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

const consentView = z.looseObject({
  status: z.string().optional(),
  topics: z.record(z.string(), z.boolean()).optional(),
  updatedAt: z.string().optional(),
  source: z.string().optional(),
});

/** A stored profile as JSON (dates as ISO strings); fields added by later versions pass through. */
export const profileResponse = z.looseObject({
  id: z.string(),
  email: z.string().optional(),
  phone: z.string().optional(),
  anonymousIds: z.array(z.string()).optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  timeZone: z.string().optional(),
  locale: z.string().optional(),
  consent: z.looseObject({ email: consentView, sms: consentView, web: consentView }).partial().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  policies: z.array(z.record(z.string(), z.unknown())).optional(),
  dependents: z.array(z.record(z.string(), z.unknown())).optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});

function toResponse(doc: Record<string, unknown>) {
  const { _id, __v, ...rest } = doc;
  void __v;
  return JSON.parse(JSON.stringify({ id: _id, ...rest })) as z.infer<typeof profileResponse>;
}

export interface ProfileRoutesOptions {
  /** Segments are evaluated again after a profile change, and segment.entered / segment.exited routed. */
  router: RouterDeps;
  /** Erasure cancels the customer's open runs; export lists them (Temporal visibility). */
  temporal: Client;
}

const knownCustomerId = customerId.refine(
  (id) => !id.startsWith(ANONYMOUS_CUSTOMER_PREFIX),
  `ids starting with ${ANONYMOUS_CUSTOMER_PREFIX} name anonymous visitors: Waymark creates those from events`,
);

/** The profile fields PUT replaces; the rest (score, segments, merges, anonymous ids when not given) Waymark keeps. */
const replacedFields = Object.keys(profileBody.shape).filter((f) => f !== 'anonymousIds');

/** Which other profile holds an email, phone or anonymous id the write wanted, and which of them. */
async function conflictingProfile(id: string, body: z.infer<typeof profileBody>) {
  const email = body.email?.toLowerCase();
  const or = [
    ...(email ? [{ email }] : []),
    ...(body.phone ? [{ phone: body.phone }] : []),
    ...(body.anonymousIds?.length ? [{ anonymousIds: { $in: body.anonymousIds } }] : []),
  ];
  if (or.length === 0) return undefined;
  const other = await Profile.findOne({ $or: or, _id: { $ne: id } }, { email: 1, phone: 1, anonymousIds: 1 }).lean<{
    _id: string;
    email?: string;
    phone?: string;
    anonymousIds?: string[];
  }>();
  if (!other) return undefined;
  const field =
    email && other.email === email ? 'email' : body.phone && other.phone === body.phone ? 'phone' : 'anonymousIds';
  return { id: other._id, field };
}

const erasureReport = z.object({
  customerId: z.string(),
  erasedAt: z.string(),
  runsCancelled: z.number(),
  deleted: z.object({
    profile: z.number(),
    events: z.number(),
    webMessages: z.number(),
    capSlots: z.number(),
    merges: z.number(),
    mergedProfiles: z.number(),
  }),
  ledgerEntriesRedacted: z.number(),
});

const customerExport = z.looseObject({
  customerId: z.string(),
  exportedAt: z.string(),
  erasedAt: z.string().optional(),
  profile: profileResponse.omit({ id: true }).nullable(),
  consents: z.array(z.looseObject({ channel: z.string() })),
  events: z.array(z.looseObject({ id: z.string() })),
  deliveries: z.array(z.looseObject({ id: z.string() })),
  webMessages: z.array(z.looseObject({ id: z.string() })),
  runs: z.array(z.looseObject({ workflowId: z.string(), status: z.string() })),
  merges: z
    .array(
      z.looseObject({
        id: z.string(),
        from: z.string().optional(),
        into: z.string(),
        anonymousId: z.string(),
        matchedBy: z.string(),
        by: z.record(z.string(), z.string()),
        at: z.string(),
        state: z.string(),
      }),
    )
    .describe('Every identify that merged an anonymous visitor into this customer (docs/identity.md)'),
  score: z
    .looseObject({
      value: z.number(),
      moves: z.array(z.looseObject({ eventId: z.string(), signal: z.string(), at: z.string(), delta: z.number() })),
    })
    .nullable()
    .describe("The engagement score and the events that moved it, with each one's delta"),
});

/** A granted channel in the PUT body: what lets an erased customer come back. */
function grantsConsent(body: z.infer<typeof profileBody>): boolean {
  return Object.values(body.consent ?? {}).some((c) => c?.status === 'granted');
}

export const profileRoutes: FastifyPluginAsync<ProfileRoutesOptions> = async (app, { router, temporal }) => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.put(
    '/v1/profiles/:id',
    {
      schema: {
        tags: ['profiles'],
        summary: 'Create or replace a customer profile',
        params: z.object({ id: knownCustomerId }),
        body: profileBody,
        response: { 200: profileResponse },
      },
    },
    async (request) => {
      const now = new Date();
      const erased = await Erasure.findById(request.params.id).lean<{ erasedAt: Date }>().exec();
      if (erased && !grantsConsent(request.body)) {
        throw new ApiError(
          409,
          'erased',
          `customer '${request.params.id}' was erased on ${erased.erasedAt.toISOString()}; they come back only with a ` +
            'fresh consent: PUT the profile with consent granted on a channel',
        );
      }
      const consent = Object.fromEntries(
        Object.entries(request.body.consent ?? {}).map(([channel, c]) => [
          channel,
          { ...c, updatedAt: now, source: 'api' },
        ]),
      );
      const { anonymousIds, ...fields } = request.body;
      const set: Record<string, unknown> = { ...fields, consent, ...(anonymousIds?.length ? { anonymousIds } : {}) };
      const unset = Object.fromEntries(
        [
          ...replacedFields.filter((f) => !(f in fields)),
          ...(anonymousIds && !anonymousIds.length ? ['anonymousIds'] : []),
        ]
          .filter((f) => f !== 'consent')
          .map((f) => [f, '']),
      );
      let doc;
      try {
        doc = await Profile.findOneAndUpdate(
          { _id: request.params.id },
          { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
          { upsert: true, new: true, runValidators: true },
        ).lean<Record<string, unknown> & { updatedAt: Date }>();
      } catch (error) {
        if (isDuplicateKey(error)) {
          const other = await conflictingProfile(request.params.id, request.body);
          throw new ApiError(
            409,
            'conflict',
            other
              ? `the ${other.field} belongs to profile ${other.id}: profile ${request.params.id} was not written`
              : `another profile has this email, phone or anonymous id: profile ${request.params.id} was not written`,
            other
              ? [{ field: other.field, rule: 'unique', message: `held by profile ${other.id}` }]
              : (['email', 'phone', 'anonymousIds'] as const)
                  .filter((field) => request.body[field] !== undefined)
                  .map((field) => ({ field, rule: 'unique', message: 'held by another profile' })),
          );
        }
        throw error;
      }
      // A fresh consent brings an erased customer back: their events route again from now on.
      if (erased) await Erasure.deleteOne({ _id: request.params.id }).exec();
      // A change of fields, traits or consent may move the customer into or out of segments.
      await refreshCustomer(router, request.params.id, {
        id: `profile:${doc!.updatedAt.getTime()}`,
        reason: 'profile change',
      });
      const fresh = await Profile.findById(request.params.id).lean();
      return toResponse((fresh ?? doc) as Record<string, unknown>);
    },
  );

  api.get(
    '/v1/profiles/:id',
    {
      schema: {
        tags: ['profiles'],
        summary: 'Read a customer profile',
        params: z.object({ id: customerId }),
        response: { 200: profileResponse },
      },
    },
    async (request) => {
      const doc = await Profile.findById(request.params.id).lean();
      if (!doc) throw new ApiError(404, 'not_found', `no profile '${request.params.id}'`);
      return toResponse(doc as Record<string, unknown>);
    },
  );

  api.get(
    '/v1/profiles/:id/merges',
    {
      schema: {
        tags: ['profiles'],
        summary: 'Every merge into (or out of) this profile: who, when, from what',
        params: z.object({ id: customerId }),
        response: {
          200: z.object({ customerId: z.string(), merges: z.array(z.looseObject({ id: z.string().optional() })) }),
        },
      },
    },
    async (request) => {
      const id = request.params.id;
      const merges = await MergeRecord.find({ $or: [{ into: id }, { from: id }] })
        .sort({ at: 1 })
        .lean();
      return { customerId: id, merges: merges.map((m) => toResponse(m as Record<string, unknown>)) };
    },
  );

  api.delete(
    '/v1/profiles/:id',
    {
      schema: {
        tags: ['profiles'],
        summary: 'Erase a customer (GDPR): cancel open runs, delete profile, events, web messages, cap slots',
        description:
          'Keeps a tombstone: later events for this id start nothing until a PUT with a granted consent. The ' +
          'delivery ledger keeps its entries (so no retried send goes out twice) without addresses. Safe to repeat.',
        params: z.object({ id: customerId }),
        response: { 200: erasureReport },
      },
    },
    async (request) => eraseCustomer(temporal, request.params.id),
  );

  api.get(
    '/v1/profiles/:id/export',
    {
      schema: {
        tags: ['profiles'],
        summary: 'Everything Waymark holds about a customer (GDPR access and portability)',
        params: z.object({ id: customerId }),
        response: { 200: customerExport },
      },
    },
    async (request) => {
      const data = await exportCustomer(temporal, request.params.id);
      if (!data) throw new ApiError(404, 'not_found', `Waymark holds nothing about '${request.params.id}'`);
      return data as unknown as z.infer<typeof customerExport>;
    },
  );
};
