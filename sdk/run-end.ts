import { patched, upsertMemo } from '@temporalio/workflow';
import { recordExperimentOutcomes } from './experiment';
import type { JourneyRun } from './journey-run';
import type { Outcome } from './journey-types';

/** Runs that ended before this change replay without the memo (saved histories, runs in flight at upgrade). */
export const RUN_END_MEMO_PATCH = 'waymark-run-end-memo';

/**
 * What a run leaves behind when it ends, besides WaymarkOutcome: its outcome and reason in the memo, which visibility
 * lists return (journey analytics count exits by reason from it; the reason is authored text, never personal data),
 * and its experiments' conversions.
 */
export async function recordRunEnd(run: JourneyRun, outcome: Outcome, reason: string | undefined): Promise<void> {
  if (patched(RUN_END_MEMO_PATCH)) upsertMemo({ outcome, ...(reason === undefined ? {} : { reason }) });
  await recordExperimentOutcomes(run, outcome);
}
