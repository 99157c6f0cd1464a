import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type {
  AudienceActivities,
  AudienceScanInput,
  AudienceScanProgress,
  AudienceScanResult,
} from '../sdk/contracts/audience';
import { addDays } from '../sdk/dates';
export const DEFAULT_PAGE_SIZE = 500;
export const DEFAULT_PAGES_PER_RUN = 50;

const { scanAudiencePage, enterAudienceMatches } = proxyActivities<AudienceActivities>({
  startToCloseTimeout: '5 minutes',
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
 * Pages through one audience and signal-with-starts a journey run per match (same workflow ids as event entry, so a
 * re-run or an overlapping scan starts nothing twice). Long scans continue as new, carrying the cursor and the counts.
 */
export async function audienceScan(input: AudienceScanInput): Promise<AudienceScanResult> {
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE;
  const pagesPerRun = input.pagesPerRun ?? DEFAULT_PAGES_PER_RUN;
  const progress = input.progress ? { ...input.progress } : firstProgress(input.windowDays, input.asOf);

  for (let pagesThisRun = 0; ; pagesThisRun++) {
    if (pagesThisRun >= pagesPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof audienceScan>({ ...input, progress: { ...progress, runs: progress.runs + 1 } });
    }
    const page = await scanAudiencePage({
      audience: input.audience,
      windowStart: progress.windowStart,
      windowEnd: progress.windowEnd,
      ...(progress.afterId !== undefined ? { afterId: progress.afterId } : {}),
      pageSize,
    });
    progress.pages += 1;
    progress.profilesScanned += page.profilesScanned;
    progress.matches += page.matches.length;
    if (page.matches.length > 0) {
      const entered = await enterAudienceMatches(page.matches);
      progress.entered += entered.entered;
      progress.started += entered.started;
      progress.duplicates += entered.duplicates;
    }
    if (page.lastId !== undefined) progress.afterId = page.lastId;
    if (page.done) return { audience: input.audience, ...progress };
  }
}
