import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { experimentReport, listExperiments } from '../../analytics/experiment-report';
import { promoteWinner } from '../../analytics/experiment-promotion';
import { ApiError } from '../plugins/error-handler';

const experimentName = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'kebab-case, e.g. reminder-copy');

/** The report's outline (analytics/experiment-report.ts has the whole shape; the rest is passed through as it is). */
const experimentReportBody = z.looseObject({
  experiment: z.string(),
  entries: z.number(),
  arms: z.array(z.looseObject({ arm: z.string(), entries: z.number(), converted: z.number() })),
  verdict: z.string(),
  leader: z.string().optional(),
  winner: z.string().optional(),
});

/** Experiments (`j.experiment`): each one's table per arm, its verdict, and promoting a winner for new entries. */
export const experimentRoutes: FastifyPluginAsync = async (app) => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/v1/experiments',
    {
      schema: {
        tags: ['experiments'],
        summary: 'Every experiment runs have entered, with its entries',
        response: {
          200: z.object({
            experiments: z.array(
              z.object({
                experiment: z.string(),
                journeys: z.array(z.string()),
                entries: z.number(),
                promotedArm: z.string().optional(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ experiments: await listExperiments() }),
  );

  api.get(
    '/v1/experiments/:name',
    {
      schema: {
        tags: ['experiments'],
        summary: 'One experiment: per arm entries, conversions, messages, uplift against the holdout, the winner',
        params: z.object({ name: experimentName }),
        response: { 200: experimentReportBody },
      },
    },
    async (request) => {
      const report = await experimentReport(request.params.name);
      if (!report) throw new ApiError(404, 'not_found', `no run has entered experiment '${request.params.name}'`);
      return report;
    },
  );

  api.post(
    '/v1/experiments/:name/promotion',
    {
      schema: {
        tags: ['experiments'],
        summary: 'Promote a winner: runs that start from now on get this arm; runs in flight keep theirs',
        params: z.object({ name: experimentName }),
        body: z.object({
          arm: z.string().min(1).max(100),
          from: z.iso
            .datetime({ offset: true })
            .optional()
            .describe('runs starting at or after it get the arm; default now'),
        }),
        response: { 201: z.object({ experiment: z.string(), arm: z.string(), promotedAt: z.string() }) },
      },
    },
    async (request, reply) => {
      const { arm, from } = request.body;
      const result = await promoteWinner(request.params.name, arm, 'api', from ? new Date(from) : undefined);
      if ('error' in result) throw new ApiError(result.status, result.error, result.message);
      return reply.code(201).send(result);
    },
  );
};
