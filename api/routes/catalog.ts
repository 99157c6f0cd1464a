import type { FastifyPluginAsync } from 'fastify';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { signalCatalog } from '../../signals';
import { journeyCatalog } from '../../journeys';
import { countOpenRunsByVersion } from '../../routing/open-runs';

const journeyVersion = z.object({
  version: z.number(),
  workflowType: z.string(),
  description: z.string(),
  trigger: z.string(),
  goal: z.string().optional(),
  listensTo: z.array(z.string()),
  reentry: z.unknown(),
  openRuns: z.number().optional(),
  newest: z.boolean().optional(),
});
const journeys = z.object({
  journeys: z.array(z.object({ name: z.string(), description: z.string(), versions: z.array(journeyVersion) })),
});
const signals = z.object({
  signals: z.array(
    z.object({
      name: z.string(),
      version: z.number(),
      description: z.string().optional(),
      identity: z.array(z.string()),
      keys: z.array(z.string()).optional(),
      schema: z.record(z.string(), z.unknown()).describe('JSON Schema of the signal data'),
    }),
  ),
});

export interface CatalogRoutesOptions {
  temporal: Client;
}

/** The journey and signal libraries as code defines them, with open runs per version from Temporal visibility. */
export const catalogRoutes: FastifyPluginAsync<CatalogRoutesOptions> = async (app, { temporal }) => {
  app.get(
    '/v1/journeys',
    { schema: { tags: ['catalog'], summary: 'Journeys, their versions and open runs', response: { 200: journeys } } },
    async () => {
      const counts = await countOpenRunsByVersion(temporal, journeyCatalog);
      const byName = new Map<string, z.infer<typeof journeys>['journeys'][number]>();
      for (const workflow of journeyCatalog) {
        const { journey } = workflow;
        const entry = byName.get(journey.name) ?? {
          name: journey.name,
          description: journey.description,
          versions: [],
        };
        const count = counts.find((c) => c.journey === journey.name && c.version === journey.version);
        entry.versions.push({
          version: journey.version,
          workflowType: workflow.workflowType,
          description: journey.description,
          trigger: journey.trigger.signal.name,
          goal: journey.goal?.signal.name,
          listensTo: (journey.listensTo ?? []).map((r) => r.signal.name),
          reentry: journey.entry?.reentry ?? 'always',
          openRuns: count?.openRuns,
          newest: count?.newest,
        });
        byName.set(journey.name, entry);
      }
      return { journeys: [...byName.values()] };
    },
  );

  app.get(
    '/v1/signals',
    { schema: { tags: ['catalog'], summary: 'The signal library with JSON schemas', response: { 200: signals } } },
    async () => ({
      signals: signalCatalog.map((s) => ({
        name: s.name,
        version: s.version,
        description: s.description,
        identity: s.identity,
        keys: s.keys,
        schema: z.toJSONSchema(s.schema, { unrepresentable: 'any' }),
      })),
    }),
  );
};
