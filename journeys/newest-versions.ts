import type { JourneyWorkflow } from '../sdk/define-journey';
import { journeyCatalog } from './index';

/** The newest version of each journey: where new entries start. */
export function newestJourneyVersions(catalog: readonly JourneyWorkflow[] = journeyCatalog): JourneyWorkflow[] {
  const newest = new Map<string, JourneyWorkflow>();
  for (const workflow of catalog) {
    const current = newest.get(workflow.journey.name);
    if (!current || workflow.journey.version > current.journey.version) newest.set(workflow.journey.name, workflow);
  }
  return [...newest.values()];
}
