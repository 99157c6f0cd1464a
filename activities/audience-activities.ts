import { heartbeat } from '@temporalio/activity';
import type { JourneyEvent } from '../signals/define-signal';
import { scanAudiencePage } from './audience-scan-page';
import type { AudienceMatch, EnterAudienceMatchesResult } from './audience-types';

/** routing/'s routeEvent: dedupes by event id, signal-with-starts the journeys the event starts. */
export type RouteJourneyEvent = (event: JourneyEvent) => Promise<{ started: number; duplicate: boolean }>;

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
    let duplicates = 0;
    const lane = async () => {
      while (next < matches.length) {
        const match = matches[next++];
        const report = await deps.routeEvent(match.event);
        if (report.duplicate) duplicates += 1;
        else {
          entered += 1;
          started += report.started;
        }
        heartbeat(entered + duplicates);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, matches.length) }, lane));
    return { entered, started, duplicates };
  }

  return { scanAudiencePage, enterAudienceMatches };
}

export type AudienceActivities = ReturnType<typeof createAudienceActivities>;
