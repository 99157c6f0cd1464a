import { ExperimentEntry } from '../models/experiment-entry';
import { ExperimentPromotion } from '../models/experiment-promotion';

export type PromotionResult =
  { experiment: string; arm: string; promotedAt: string } | { status: 404 | 400; error: string; message: string };

/**
 * Promotes an arm that runs have entered: runs that start at or after `from` (default now) get it (the entry activity
 * reads this);
 * runs that started before keep the arm they have, so no run in flight changes and replays see recorded arms.
 */
export async function promoteWinner(
  experiment: string,
  arm: string,
  source: string,
  from: Date = new Date(),
): Promise<PromotionResult> {
  const arms: string[] = await ExperimentEntry.distinct('arms', { experiment });
  if (arms.length === 0) {
    return { status: 404, error: 'not_found', message: `no run has entered experiment '${experiment}'` };
  }
  if (!arms.includes(arm)) {
    return { status: 400, error: 'unknown_arm', message: `experiment ${experiment} has arms ${arms.join(', ')}` };
  }
  const promotedAt = from;
  await ExperimentPromotion.updateOne(
    { _id: experiment },
    { $set: { arm, promotedAt, source } },
    { upsert: true },
  ).exec();
  return { experiment, arm, promotedAt: promotedAt.toISOString() };
}
