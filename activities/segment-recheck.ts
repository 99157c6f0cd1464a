import { Context, heartbeat } from '@temporalio/activity';
import { Profile } from '../models/profile';
import type {
  RecheckCustomer,
  RecheckSegmentsInput,
  RecheckSegmentsResult,
  SegmentRecheckActivities,
} from '../sdk/contracts/segment-recheck';
import { cursorPages } from './cursor-pages';

export interface SegmentRecheckActivityDeps {
  /** routing/'s recheck: evaluates one due profile again, writes it, routes segment.entered / segment.exited. */
  recheckCustomer: RecheckCustomer;
}

/** The due profiles' ids in `_id` order after `afterId`, through one cursor over the recheck index. */
function dueProfiles(input: RecheckSegmentsInput, afterId: string | undefined, maxPages: number) {
  const filter: Record<string, unknown> = { segmentsRecheckAt: { $lte: new Date(input.dueBy) } };
  if (afterId !== undefined) filter._id = { $gt: afterId };
  return Profile.find(filter)
    .select({ _id: 1 })
    .hint({ segmentsRecheckAt: 1 })
    .sort({ _id: 1 })
    .limit(input.pageSize * maxPages)
    .lean<Array<{ _id: string }>>()
    .cursor({ batchSize: input.pageSize });
}

export function createSegmentRecheckActivities(deps: SegmentRecheckActivityDeps): SegmentRecheckActivities {
  /**
   * Reads up to `maxPages` pages of due profiles and rechecks each one at the activity's clock (never earlier than
   * `dueBy`). After each page the counts and the position are heartbeated; a retried attempt resumes after the last
   * page the server recorded (a profile rechecked twice is harmless: the second finds it no longer due).
   */
  async function recheckSegments(input: RecheckSegmentsInput): Promise<RecheckSegmentsResult> {
    const { info, cancellationSignal } = Context.current();
    const recorded = info.heartbeatDetails as RecheckSegmentsResult | undefined;
    const progress: RecheckSegmentsResult = recorded
      ? { ...recorded }
      : { pages: 0, profilesChecked: 0, exited: 0, entered: 0, done: false };
    if (progress.lastId === undefined && input.afterId !== undefined) progress.lastId = input.afterId;
    const maxPages = input.maxPages - progress.pages;
    let read = 0;
    if (maxPages > 0) {
      const cursor = dueProfiles(input, progress.lastId, maxPages);
      for await (const page of cursorPages(cursor as AsyncIterable<{ _id: string }> & typeof cursor, input.pageSize)) {
        const beforePage = { ...progress };
        for (const { _id } of page) {
          if (cancellationSignal.aborted) throw cancellationSignal.reason;
          const now = new Date(Math.max(Date.now(), Date.parse(input.dueBy)));
          const changes = await deps.recheckCustomer(_id, now);
          progress.profilesChecked += 1;
          progress.exited += changes.filter((c) => c.change === 'exited').length;
          progress.entered += changes.filter((c) => c.change === 'entered').length;
          heartbeat(beforePage); // keeps the attempt alive; the recorded position stays before this page
        }
        progress.pages += 1;
        progress.lastId = page[page.length - 1]._id;
        read += page.length;
        heartbeat({ ...progress });
      }
    }
    // Fewer profiles than asked for: the cursor reached the last due profile.
    progress.done = maxPages > 0 && read < input.pageSize * maxPages;
    return progress;
  }

  return { recheckSegments };
}
