import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Profile } from '../../models/profile';
import { newestSegments, segmentCatalog } from '../../segments';
import { ApiError } from '../plugins/error-handler';

const memberPage = z.object({
  segment: z.string(),
  version: z.number(),
  members: z.array(z.object({ customerId: z.string(), since: z.string(), anonymous: z.boolean() })),
  /** Pass as `after` for the next page; absent on the last one. */
  next: z.string().optional(),
});

/**
 * The segments of segments/ and who is in them (kept current by routing/segment-upkeep.ts):
 *   GET /v1/segments                     every segment's newest version, its definition and its member count
 *   GET /v1/segments/:name/members       members in customer-id order, paged with `after`
 */
export const segmentRoutes: FastifyPluginAsync = async (app) => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/v1/segments',
    {
      schema: {
        tags: ['segments'],
        summary: 'Segments and their member counts',
        response: {
          200: z.object({
            segments: z.array(
              z.looseObject({
                name: z.string(),
                version: z.number(),
                description: z.string().optional(),
                members: z.number(),
              }),
            ),
          }),
        },
      },
    },
    async () => {
      const segments = await Promise.all(
        newestSegments(segmentCatalog).map(async (s) => ({
          name: s.name,
          version: s.version,
          description: s.description,
          filter: s.filter,
          behaviour: (s.behaviour ?? []).map((w) => ({
            name: w.name,
            signal: w.signal.name,
            atLeast: w.atLeast,
            withinDays: w.withinDays,
            filtered: w.where !== undefined,
          })),
          members: await Profile.countDocuments({ 'segments.name': s.name }),
        })),
      );
      return { segments };
    },
  );

  api.get(
    '/v1/segments/:name/members',
    {
      schema: {
        tags: ['segments'],
        summary: "A segment's members",
        params: z.object({ name: z.string().min(1) }),
        querystring: z.object({
          after: z.string().min(1).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: memberPage },
      },
    },
    async (request) => {
      const segment = newestSegments(segmentCatalog).find((s) => s.name === request.params.name);
      if (!segment) {
        const known = newestSegments(segmentCatalog)
          .map((s) => s.name)
          .join(', ');
        throw new ApiError(404, 'not_found', `no segment '${request.params.name}'; known: ${known}`);
      }
      const { after, limit } = request.query;
      const docs = await Profile.find({ 'segments.name': segment.name, ...(after ? { _id: { $gt: after } } : {}) })
        .select({ _id: 1, segments: 1, anonymous: 1 })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<Array<{ _id: string; anonymous?: boolean; segments?: Array<{ name: string; since: Date }> }>>();
      const members = docs.map((d) => ({
        customerId: d._id,
        since: (d.segments ?? []).find((m) => m.name === segment.name)!.since.toISOString(),
        anonymous: d.anonymous === true,
      }));
      return {
        segment: segment.name,
        version: segment.version,
        members,
        ...(docs.length === limit ? { next: docs[docs.length - 1]._id } : {}),
      };
    },
  );
};
