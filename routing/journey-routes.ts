import { journeyCatalog } from '../journeys';
import { newestJourneyVersions } from '../journeys/newest-versions';
import type { JourneyWorkflow } from '../sdk/define-journey';
import type { ExitRoute, JourneyDefinition, Outcome, SignalRoute } from '../sdk/journey-types';

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

/** A goal or exit of one journey that an event reaches: how the run would end, keyed by the run's key. */
export interface JourneyEnding {
  journey: JourneyDefinition;
  key: string;
  outcome: Extract<Outcome, 'converted' | 'exited' | 'lost'>;
  reason: string;
}

/**
 * The journeys an event would end (its goal, or an exit whose `when` holds), one per journey name, newest version
 * first. Keyless routes (every run of the customer) are left out: there is no key to remember the end under.
 */
export function journeysEndedBy(
  event: { signal: string; data: unknown },
  catalog: readonly JourneyWorkflow[] = journeyCatalog,
): JourneyEnding[] {
  const endings = new Map<string, JourneyEnding>();
  for (const { journey } of [...catalog].sort((a, b) => b.journey.version - a.journey.version)) {
    if (endings.has(journey.name)) continue;
    const ending = endingOf(journey, event);
    if (ending) endings.set(journey.name, ending);
  }
  return [...endings.values()];
}

function endingOf(journey: JourneyDefinition, event: { signal: string; data: unknown }): JourneyEnding | undefined {
  const data = event.data as never;
  try {
    if (journey.goal?.signal.name === event.signal && journey.goal.key) {
      return { journey, key: journey.goal.key(data), outcome: 'converted', reason: `goal: ${event.signal}` };
    }
    const exit = (journey.exits ?? []).find(
      (e: ExitRoute) => e.signal.name === event.signal && e.key && (!e.when || e.when(data)),
    );
    if (!exit) return undefined;
    return { journey, key: exit.key!(data), outcome: exit.outcome ?? 'exited', reason: exit.reason(data) };
  } catch {
    return undefined; // data this journey's key or condition cannot read: it is not this journey's end
  }
}
