import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type {
  AudienceActivities,
  AudienceScanInput,
  AudienceScanProgress,
  AudienceScanResult,
} from '../sdk/contracts/audience';
import { addDays } from '../sdk/dates';
export const DEFAULT_PAGE_SIZE = 500;
export const DEFAULT_PAGES_PER_RUN = 50;

// One call reads up to pagesPerRun pages through one cursor; its heartbeats carry the position, so a retried attempt
// resumes after the last page it routed instead of at the start (the heartbeat timeout notices a dead worker).
const { scanAudience } = proxyActivities<AudienceActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The window starts at the beginning of today (UTC, workflow time) or `asOf`, and reaches `windowDays` ahead. */
function firstProgress(windowDays: number, asOf?: string): AudienceScanProgress {
  const now = asOf ? new Date(asOf) : new Date();
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return {
    windowStart: new Date(start).toISOString(),
    windowEnd: addDays(new Date(start), windowDays).toISOString(),
    runs: 1,
    pages: 0,
    profilesScanned: 0,
    matches: 0,
    entered: 0,
    started: 0,
    duplicates: 0,
  };
}

/**
 * Reads one audience's window and signal-with-starts a journey run per match (same workflow ids as event entry, so a
 * re-run or an overlapping scan starts nothing twice). Each workflow run makes one activity call over up to
 * `pagesPerRun` pages, then continues as new with the position and the counts, until the window is read.
 */
export async function audienceScan(input: AudienceScanInput): Promise<AudienceScanResult> {
  const progress = input.progress ? { ...input.progress } : firstProgress(input.windowDays, input.asOf);
  const part = await scanAudience({
    audience: input.audience,
    windowStart: progress.windowStart,
    windowEnd: progress.windowEnd,
    ...(progress.afterId !== undefined ? { afterId: progress.afterId } : {}),
    pageSize: input.pageSize ?? DEFAULT_PAGE_SIZE,
    maxPages: input.pagesPerRun ?? DEFAULT_PAGES_PER_RUN,
  });
  progress.pages += part.pages;
  progress.profilesScanned += part.profilesScanned;
  progress.matches += part.matches;
  progress.entered += part.entered;
  progress.started += part.started;
  progress.duplicates += part.duplicates;
  if (part.lastId !== undefined) progress.afterId = part.lastId;
  if (part.done) return { audience: input.audience, ...progress };
  return continueAsNew<typeof audienceScan>({ ...input, progress: { ...progress, runs: progress.runs + 1 } });
}
