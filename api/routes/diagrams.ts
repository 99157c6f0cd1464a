import { createReadStream } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { journeyDiagram, type StepCounts } from '../../diagrams/journey-diagram';
import { findJourneyVersion, UnknownJourneyError } from '../../journeys/find-journey';
import { journeyCatalog } from '../../journeys';
import { ApiError } from '../plugins/error-handler';
import { journeyPage } from '../pages/journey-page';

/** Where the diagram page's step counts come from (journey analytics), for a journey version and a date range. */
export type StepCountsSource = (query: {
  journey: string;
  version: number;
  from?: Date;
  to?: Date;
}) => Promise<StepCounts>;

export interface DiagramRoutesOptions {
  /** Without one, the page draws the journey without counts. */
  stepCounts?: StepCountsSource;
}

const MERMAID_BUNDLE = require.resolve('mermaid/dist/mermaid.min.js');

const journeyParams = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a journey name, e.g. abandoned-cart'),
});
const versionQuery = z.object({ version: z.coerce.number().int().min(1).optional() });
const pageQuery = versionQuery.extend({ from: z.iso.datetime().optional(), to: z.iso.datetime().optional() });

function versionOf(name: string, version: number | undefined) {
  try {
    return findJourneyVersion(name, version);
  } catch (err) {
    if (err instanceof UnknownJourneyError) throw new ApiError(404, 'not_found', err.message);
    throw err;
  }
}

/** Each journey version drawn from its code: Mermaid text for tools (keyed), and a page for people (GET only). */
export const diagramApiRoutes: FastifyPluginAsync = async (app) => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/journeys/:name/diagram',
    {
      schema: {
        tags: ['catalog'],
        summary: 'A journey version as a Mermaid flowchart, read from its code (newest version unless given)',
        params: journeyParams,
        querystring: versionQuery,
        response: {
          200: {
            description: 'The Mermaid flowchart',
            content: { 'text/vnd.mermaid': { schema: z.string() } },
          },
        },
      },
    },
    async (request, reply) => {
      const workflow = versionOf(request.params.name, request.query.version);
      return reply.type('text/vnd.mermaid; charset=utf-8').send(journeyDiagram(workflow));
    },
  );
};

/**
 * The diagram page and the Mermaid bundle it renders with (served from node_modules: no CDN). The page shows a
 * journey's structure and aggregate counts per step, no personal data.
 */
export const diagramPageRoutes: FastifyPluginAsync<DiagramRoutesOptions> = async (app, { stepCounts }) => {
  app.get('/assets/mermaid.min.js', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(createReadStream(MERMAID_BUNDLE)),
  );

  app
    .withTypeProvider<ZodTypeProvider>()
    .get(
      '/journeys/:name',
      { schema: { hide: true, params: journeyParams, querystring: pageQuery } },
      async (request, reply) => {
        const { from, to } = request.query;
        const workflow = versionOf(request.params.name, request.query.version);
        const { name, version } = workflow.journey;
        const counts = stepCounts
          ? await stepCounts({
              journey: name,
              version,
              ...(from ? { from: new Date(from) } : {}),
              ...(to ? { to: new Date(to) } : {}),
            })
          : undefined;
        const versions = journeyCatalog.filter((w) => w.journey.name === name).map((w) => w.journey.version);
        return reply.type('text/html; charset=utf-8').send(
          journeyPage({
            workflow,
            versions,
            mermaid: journeyDiagram(workflow, counts),
            counted: counts !== undefined,
          }),
        );
      },
    );
};
