import type { FastifyPluginAsync } from 'fastify';
import type { Client } from '@temporalio/client';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { journeyStats, UnknownJourneyError } from '../../analytics/journey-stats';
import { parseStatsRange, StatsRangeError } from '../../analytics/stats-range';
import { ApiError } from '../plugins/error-handler';

/** The stats' outline (analytics/journey-stats.ts has the whole shape; the rest is passed through as it is). */
const journeyStatsBody = z.looseObject({
  journey: z.string(),
  from: z.string(),
  to: z.string(),
  versions: z.array(z.looseObject({ version: z.number(), entered: z.number(), inProgress: z.number() })),
});

export interface JourneyStatsRoutesOptions {
  temporal: Client;
}

/** Per journey, version, step and channel: entries, progress, sends, holds, conversions and exits in a date range. */
export const journeyStatsRoutes: FastifyPluginAsync<JourneyStatsRoutesOptions> = async (app, { temporal }) => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/journeys/:name/stats',
    {
      schema: {
        tags: ['analytics'],
        summary: "A journey's analytics for runs that started in [from, to) (default: the last 30 days)",
        params: z.object({ name: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'a journey name, kebab-case') }),
        querystring: z.object({
          from: z.string().optional().describe('ISO date or date-time, inclusive'),
          to: z.string().optional().describe('ISO date or date-time, exclusive'),
        }),
        response: { 200: journeyStatsBody },
      },
    },
    async (request) => {
      try {
        const range = parseStatsRange(request.query.from, request.query.to, new Date());
        return await journeyStats(temporal, request.params.name, range);
      } catch (error) {
        if (error instanceof StatsRangeError) {
          throw new ApiError(400, 'validation', error.message, [
            { field: `querystring.${error.field}`, rule: 'date_range', message: error.message },
          ]);
        }
        if (error instanceof UnknownJourneyError) throw new ApiError(404, 'not_found', error.message);
        throw error;
      }
    },
  );
};
