import type { FastifyPluginAsync } from 'fastify';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { signalCatalog } from '../../signals';
import { journeyCatalog } from '../../journeys';
import { countOpenRunsByVersion } from '../../routing/open-runs';

export interface CatalogRoutesOptions {
  temporal: Client;
}

/** The journey and signal libraries as code defines them, with open runs per version from Temporal visibility. */
export const catalogRoutes: FastifyPluginAsync<CatalogRoutesOptions> = async (app, { temporal }) => {
  app.get(
    '/v1/journeys',
    { schema: { tags: ['catalog'], summary: 'Journeys, their versions and open runs' } },
    async () => {
      const counts = await countOpenRunsByVersion(temporal, journeyCatalog);
      const byName = new Map<string, { name: string; description: string; versions: unknown[] }>();
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
    { schema: { tags: ['catalog'], summary: 'The signal library with JSON schemas' } },
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
