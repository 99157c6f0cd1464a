import type { Client } from '@temporalio/client';
import type { JourneyWorkflow } from '../sdk/define-journey';
import { openVersionRunsQuery } from './visibility-query';

export interface JourneyVersionRuns {
  journey: string;
  version: number;
  workflowType: string;
  /** Runs of this version still open (Temporal visibility, ExecutionStatus = 'Running'). */
  openRuns: number;
  /** Whether new entries start this version (the newest of its journey). */
  newest: boolean;
}

/**
 * Each journey version of the catalog with its open runs, from Temporal visibility. A version with open runs must
 * stay registered on the worker; one at 0 that is not the newest may be retired (docs/evolving-journeys.md).
 * Used by the CLI (`waymark journeys`) and by `GET /v1/journeys`.
 */
export async function countOpenRunsByVersion(
  client: Client,
  catalog: readonly JourneyWorkflow[],
): Promise<JourneyVersionRuns[]> {
  const newestVersion = new Map<string, number>();
  for (const { journey } of catalog) {
    newestVersion.set(journey.name, Math.max(newestVersion.get(journey.name) ?? 0, journey.version));
  }
  const rows = await Promise.all(
    catalog.map(async ({ journey, workflowType }) => {
      const { count } = await client.workflow.count(openVersionRunsQuery(journey.name, journey.version));
      return {
        journey: journey.name,
        version: journey.version,
        workflowType,
        openRuns: count,
        newest: newestVersion.get(journey.name) === journey.version,
      };
    }),
  );
  return rows.sort((a, b) => a.journey.localeCompare(b.journey) || a.version - b.version);
}
