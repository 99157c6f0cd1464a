import { heartbeat } from '@temporalio/activity';
import type { JourneyEvent } from '../signals/define-signal';
import { scanAudiencePage } from './audience-scan-page';
import type { AudienceMatch, EnterAudienceMatchesResult } from './audience-types';

/** Routes one event to its journeys exactly as event entry does; answers how many runs it newly started. */
export type RouteJourneyEvent = (event: JourneyEvent) => Promise<{ started: number }>;

export interface AudienceActivityDeps {
  routeEvent: RouteJourneyEvent;
  /** Signal-with-starts in flight at once; the dev server tops out near 190/s whatever the concurrency. */
  concurrency?: number;
}

export function createAudienceActivities(deps: AudienceActivityDeps) {
  const concurrency = deps.concurrency ?? 32;

  /** Signal-with-starts every match through the router (deterministic ids: a repeat starts nothing). */
  async function enterAudienceMatches(matches: AudienceMatch[]): Promise<EnterAudienceMatchesResult> {
    let next = 0;
    let entered = 0;
    let started = 0;
    const lane = async () => {
      while (next < matches.length) {
        const match = matches[next++];
        const result = await deps.routeEvent(match.event);
        entered += 1;
        started += result.started;
        heartbeat(entered);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, matches.length) }, lane));
    return { entered, started };
  }

  return { scanAudiencePage, enterAudienceMatches };
}

export type AudienceActivities = ReturnType<typeof createAudienceActivities>;
