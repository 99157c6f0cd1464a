import { heartbeat } from '@temporalio/activity';
import type { RouteEvent } from '../sdk/contracts/routing';
import type { AudienceMatch, EnterAudienceMatchesResult } from '../sdk/contracts/audience';
import { scanAudiencePage } from './audience-scan-page';

export interface AudienceActivityDeps {
  /** routing/'s router: dedupes by event id, signal-with-starts the journeys the event starts. */
  routeEvent: RouteEvent;
  /**
   * Signal-with-starts in flight at once. The dev server tops out near 190/s from 32 on; FerretDB's SQLite turns
   * many concurrent event-record writes into SQLITE_BUSY, so the default stays low.
   */
  concurrency?: number;
  /** Tries per match before the activity fails (a page's retry would redo the whole page). */
  attemptsPerMatch?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createAudienceActivities(deps: AudienceActivityDeps) {
  const concurrency = deps.concurrency ?? 8;
  const attempts = deps.attemptsPerMatch ?? 5;

  /** A transient store error (SQLITE_BUSY, a failover) on one match is retried here, with backoff. */
  async function routeWithRetry(match: AudienceMatch) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await deps.routeEvent(match.event);
      } catch (error) {
        if (attempt >= attempts) throw error;
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  /** Signal-with-starts every match through the router (deterministic ids: a repeat starts nothing). */
  async function enterAudienceMatches(matches: AudienceMatch[]): Promise<EnterAudienceMatchesResult> {
    let next = 0;
    let entered = 0;
    let started = 0;
    let duplicates = 0;
    const lane = async () => {
      while (next < matches.length) {
        const match = matches[next++];
        const report = await routeWithRetry(match);
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
