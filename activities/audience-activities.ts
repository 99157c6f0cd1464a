import { Context, heartbeat } from '@temporalio/activity';
import type { RouteEvent } from '../sdk/contracts/routing';
import type {
  AudienceDefinition,
  AudienceMatch,
  ScanAudienceInput,
  ScanAudienceResult,
} from '../sdk/contracts/audience';
import { readAudienceWindow } from './audience-window';

export interface AudienceActivityDeps {
  /** routing/'s router: dedupes by event id, signal-with-starts the journeys the event starts. */
  routeEvent: RouteEvent;
  /** The audiences scans may name; default the catalog's (journeys/index.ts). */
  audiences?: readonly AudienceDefinition[];
  /**
   * Signal-with-starts in flight at once. The dev server tops out near 190/s from 32 on; FerretDB's SQLite turns
   * many concurrent event-record writes into SQLITE_BUSY, so the default stays low.
   */
  concurrency?: number;
  /** Tries per match before the activity fails (a retried attempt resumes at the page, not the scan, start). */
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

  /**
   * Reads up to `maxPages` pages of the window through one cursor and routes every match (deterministic event ids:
   * a repeat starts nothing). After each page the counts and the position are heartbeated; a retried attempt starts
   * from the last ones the server recorded, so only the pages after it are read and routed again.
   */
  async function scanAudience(input: ScanAudienceInput): Promise<ScanAudienceResult> {
    const { info, cancellationSignal } = Context.current();
    const recorded = info.heartbeatDetails as ScanAudienceResult | undefined;
    const progress: ScanAudienceResult = recorded
      ? { ...recorded }
      : { pages: 0, profilesScanned: 0, matches: 0, entered: 0, started: 0, duplicates: 0, done: false };
    if (progress.lastId === undefined && input.afterId !== undefined) progress.lastId = input.afterId;
    const maxPages = input.maxPages - progress.pages;
    let read = 0;
    for await (const page of readAudienceWindow({ ...input, afterId: progress.lastId, maxPages }, deps.audiences)) {
      if (cancellationSignal.aborted) throw cancellationSignal.reason;
      const routed = { entered: 0, started: 0, duplicates: 0 };
      let next = 0;
      const lane = async () => {
        while (next < page.matches.length) {
          const report = await routeWithRetry(page.matches[next++]);
          if (report.duplicate) routed.duplicates += 1;
          else {
            routed.entered += 1;
            routed.started += report.started;
          }
          heartbeat(progress); // keeps the attempt alive; the recorded position stays before this page
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, page.matches.length) }, lane));
      progress.pages += 1;
      progress.profilesScanned += page.profilesScanned;
      progress.matches += page.matches.length;
      progress.entered += routed.entered;
      progress.started += routed.started;
      progress.duplicates += routed.duplicates;
      progress.lastId = page.lastId;
      read += page.profilesScanned;
      heartbeat({ ...progress });
    }
    // Fewer profiles than asked for: the cursor reached the end of the window. (No page left to read in this call
    // after a resume: the next call finds out.)
    progress.done = maxPages > 0 && read < input.pageSize * maxPages;
    return progress;
  }

  return { scanAudience };
}
