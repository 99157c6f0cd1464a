import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type {
  SegmentRecheckActivities,
  SegmentRecheckInput,
  SegmentRecheckProgress,
  SegmentRecheckResult,
} from '../sdk/contracts/segment-recheck';

export const RECHECK_PAGE_SIZE = 200;
export const RECHECK_PAGES_PER_RUN = 25;

// One call reads up to pagesPerRun pages of due profiles through one cursor; its heartbeats carry the position, so a
// retried attempt (a worker died: the heartbeat timeout notices) resumes after the last page it finished.
const { recheckSegments } = proxyActivities<SegmentRecheckActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The segment recheck sweep (its Temporal Schedule: worker/schedules.ts): every profile whose behaviour window lapsed
 * by the time the sweep started (`segmentsRecheckAt`, indexed) is evaluated again, so a customer leaves
 * window-shoppers without another event and segment.exited is routed. Each workflow run makes one activity call, then
 * continues as new with the position and the counts, until no due profile is left.
 */
export async function segmentRecheck(input: SegmentRecheckInput = {}): Promise<SegmentRecheckResult> {
  const progress: SegmentRecheckProgress = input.progress
    ? { ...input.progress }
    : { dueBy: new Date().toISOString(), runs: 1, pages: 0, profilesChecked: 0, exited: 0, entered: 0 };
  const part = await recheckSegments({
    dueBy: progress.dueBy,
    ...(progress.afterId !== undefined ? { afterId: progress.afterId } : {}),
    pageSize: input.pageSize ?? RECHECK_PAGE_SIZE,
    maxPages: input.pagesPerRun ?? RECHECK_PAGES_PER_RUN,
  });
  progress.pages += part.pages;
  progress.profilesChecked += part.profilesChecked;
  progress.exited += part.exited;
  progress.entered += part.entered;
  if (part.lastId !== undefined) progress.afterId = part.lastId;
  if (part.done) return progress;
  return continueAsNew<typeof segmentRecheck>({ ...input, progress: { ...progress, runs: progress.runs + 1 } });
}
