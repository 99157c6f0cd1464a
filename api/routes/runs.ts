import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { z } from 'zod';
import { WaymarkJourney, WaymarkJourneyVersion, WaymarkOutcome, WaymarkStep } from '../../sdk/search-attributes';
import { journeyStateQuery } from '../../sdk/queries';
import { ApiError } from '../plugins/error-handler';
import { customerIdSchema } from '../schemas';
import { customerRunsQuery } from '../../routing/visibility-query';

const STATE_QUERY_TIMEOUT_MS = 3_000;

const runSummary = z.object({
  workflowId: z.string(),
  runId: z.string(),
  workflowType: z.string(),
  journey: z.string().optional(),
  version: z.number().optional(),
  status: z.string(),
  step: z.string().optional(),
  outcome: z.string().optional(),
  startTime: z.string(),
  closeTime: z.string().optional(),
});

export interface RunRoutesOptions {
  temporal: Client;
}

type RunInfo = Pick<
  WorkflowExecutionInfo,
  'workflowId' | 'runId' | 'type' | 'typedSearchAttributes' | 'status' | 'startTime' | 'closeTime'
>;

function summarize(run: RunInfo) {
  const attrs = run.typedSearchAttributes;
  return {
    workflowId: run.workflowId,
    runId: run.runId,
    workflowType: run.type,
    journey: attrs.get(WaymarkJourney),
    version: attrs.get(WaymarkJourneyVersion),
    status: run.status.name,
    step: attrs.get(WaymarkStep),
    outcome: attrs.get(WaymarkOutcome),
    startTime: run.startTime.toISOString(),
    closeTime: run.closeTime?.toISOString(),
  };
}

export const runRoutes: FastifyPluginAsync<RunRoutesOptions> = async (app, { temporal }) => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/v1/runs',
    {
      schema: {
        tags: ['runs'],
        summary: "A customer's journey runs, from Temporal visibility",
        querystring: z.object({
          customerId: customerIdSchema,
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ runs: z.array(runSummary) }) },
      },
    },
    async (request) => {
      const runs = [];
      for await (const run of temporal.workflow.list({ query: customerRunsQuery(request.query.customerId) })) {
        runs.push(summarize(run));
        if (runs.length >= request.query.limit) break;
      }
      return { runs };
    },
  );

  api.get(
    '/v1/runs/:workflowId',
    {
      schema: {
        tags: ['runs'],
        summary: 'One run with its journey state (current step, what it waits for, steps taken)',
        params: z.object({ workflowId: z.string().min(1).max(1000) }),
        response: {
          200: runSummary.extend({
            state: z.unknown().optional().describe('The journey state query: step, waits, steps taken, split arms'),
          }),
        },
      },
    },
    async (request) => {
      const handle = temporal.workflow.getHandle(request.params.workflowId);
      try {
        const description = await handle.describe();
        // A query needs a worker; with none polling it would hang, so the run is answered without its state.
        const state = await temporal
          .withDeadline(Date.now() + STATE_QUERY_TIMEOUT_MS, () => handle.query(journeyStateQuery))
          .catch(() => undefined);
        return { ...summarize(description), state };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          throw new ApiError(404, 'not_found', `no run '${request.params.workflowId}'`);
        }
        throw error;
      }
    },
  );
};
