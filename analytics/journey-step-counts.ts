import type { Client } from '@temporalio/client';
import { journeyVersionStats } from './journey-stats';
import { statsRangeOrDefault } from './stats-range';

/** Named counts per diagram node: a step's name (`j.step`) or a send's step id (`email:cart-reminder`). */
export type JourneyStepCounts = Record<string, Record<string, number>>;

/**
 * The counts the journey diagram draws under its nodes, for one version and the runs that started in the range
 * (default: the last 30 days), from the same analytics as `GET /v1/journeys/:name/stats`: per step, the runs there
 * now and the runs that ended there; per send step, its ledger entries by state. Zero counts are left out.
 */
export async function journeyStepCounts(
  client: Client,
  query: { journey: string; version: number; from?: Date; to?: Date },
  now = new Date(),
): Promise<JourneyStepCounts> {
  const range = statsRangeOrDefault(query.from, query.to, now);
  const stats = await journeyVersionStats(client, query.journey, query.version, range);
  const counts: JourneyStepCounts = {};
  for (const { step, inProgress, ended } of stats.steps) {
    counts[step] = nonZero({ 'in progress': inProgress, 'ended here': ended });
  }
  for (const { stepId, sent, deferred, waiting, blocked, capped, failed } of stats.sends) {
    counts[stepId] = nonZero({ sent, deferred, waiting, blocked, capped, failed });
  }
  return counts;
}

function nonZero(figures: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(figures).filter(([, n]) => n > 0));
}
