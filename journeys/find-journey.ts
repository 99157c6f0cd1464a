import type { JourneyWorkflow } from '../sdk/define-journey';
import { journeyCatalog } from './index';
import { newestJourneyVersions } from './newest-versions';

export class UnknownJourneyError extends Error {}

/**
 * A journey version of the catalog by name, the newest when no version is given; the error lists what exists, so
 * an API can answer 404 with it and a CLI can print it.
 */
export function findJourneyVersion(
  name: string,
  version?: number,
  catalog: readonly JourneyWorkflow[] = journeyCatalog,
): JourneyWorkflow {
  const versions = catalog.filter((w) => w.journey.name === name);
  if (versions.length === 0) {
    const known = newestJourneyVersions(catalog).map((w) => w.journey.name);
    throw new UnknownJourneyError(`unknown journey "${name}"; known journeys: ${known.join(', ')}`);
  }
  if (version === undefined) return newestJourneyVersions(versions)[0];
  const found = versions.find((w) => w.journey.version === version);
  if (!found) {
    const known = versions.map((w) => w.journey.version).sort((a, b) => a - b);
    throw new UnknownJourneyError(`journey "${name}" has no version ${version}; its versions: ${known.join(', ')}`);
  }
  return found;
}
