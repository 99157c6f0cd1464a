import { journeyCatalog } from '../journeys';
import { newestJourneyVersions } from '../journeys/newest-versions';
import type { JourneyWorkflow } from '../sdk/define-journey';
import type { SignalRoute } from '../sdk/journey-types';

/** A journey that a signal starts: new entries go to the newest version. */
export function journeysStartedBy(
  signal: string,
  catalog: readonly JourneyWorkflow[] = journeyCatalog,
): JourneyWorkflow[] {
  return newestJourneyVersions(catalog).filter((w) => w.journey.trigger.signal.name === signal);
}

/**
 * Routes by which a signal feeds open runs (goal, listensTo, exits), per journey name, across every version
 * (an open run may be on an older version than the newest).
 */
export function journeysFedBy(
  signal: string,
  catalog: readonly JourneyWorkflow[] = journeyCatalog,
): Map<string, SignalRoute[]> {
  const fed = new Map<string, SignalRoute[]>();
  for (const { journey } of catalog) {
    const routes = [journey.goal, ...(journey.listensTo ?? [])].filter(
      (r): r is SignalRoute => r !== undefined && r.signal.name === signal,
    );
    if (routes.length) fed.set(journey.name, [...(fed.get(journey.name) ?? []), ...routes]);
  }
  return fed;
}
