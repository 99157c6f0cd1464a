import { Delivery, deliveryId } from '../models/delivery';
import { ExperimentEntry } from '../models/experiment-entry';
import { ExperimentPromotion } from '../models/experiment-promotion';
import { HOLDOUT_ARM } from '../sdk/contracts/experiments';
import { median } from 'simple-statistics';
import { compareProportions, rate, type Comparison } from './proportions';

/** The significance level a winner must clear (two-sided), split across the arms compared with the holdout. */
export const ALPHA = 0.05;

export type ArmReport = {
  arm: string;
  holdout: boolean;
  /** Runs assigned this arm at random (the experiment's sample). */
  entries: number;
  /** Of those, runs that have ended (only ended runs report their conversion and their sends). */
  ended: number;
  converted: number;
  conversionRate: number;
  /** The arm's messages by ledger state (sent, blocked, capped, failed, ...); the holdout sends none. */
  messages: Record<string, number>;
  /** Median time from entering the experiment to the goal, of the converted runs. */
  medianTimeToConvertMs?: number;
  /** Against the holdout: uplift, z-test, p-value and a 95% interval of the uplift. */
  vsHoldout?: Comparison;
};

export type ExperimentReport = {
  experiment: string;
  journeys: Array<{ journey: string; versions: number[] }>;
  entries: number;
  arms: ArmReport[];
  /** The best arm, winner or not. */
  leader?: string;
  /** Set once the leader beats the holdout (Bonferroni-corrected) and the runner-up, each at ALPHA. */
  winner?: string;
  verdict: string;
  promotion?: { arm: string; promotedAt: string; entriesSince: number };
};

export interface ExperimentSummary {
  experiment: string;
  journeys: string[];
  entries: number;
  promotedArm?: string;
}

/** Every experiment that runs have entered, with its journeys and entry counts. */
export async function listExperiments(): Promise<ExperimentSummary[]> {
  const groups = await ExperimentEntry.aggregate<{ _id: { experiment: string; journey: string }; entries: number }>([
    { $group: { _id: { experiment: '$experiment', journey: '$journey' }, entries: { $sum: 1 } } },
  ]);
  const promotions = await ExperimentPromotion.find().lean();
  const byName = new Map<string, ExperimentSummary>();
  for (const g of groups) {
    const summary = byName.get(g._id.experiment) ?? { experiment: g._id.experiment, journeys: [], entries: 0 };
    summary.journeys.push(g._id.journey);
    summary.entries += g.entries;
    byName.set(g._id.experiment, summary);
  }
  for (const p of promotions) {
    const summary = byName.get(p._id);
    if (summary) summary.promotedArm = p.arm;
  }
  return [...byName.values()].sort((a, b) => a.experiment.localeCompare(b.experiment));
}

interface EntryRow {
  workflowId: string;
  entryId?: string | null;
  journey: string;
  journeyVersion: number;
  arm: string;
  assignedBy: 'random' | 'promoted';
  enteredAt: Date;
  endedAt?: Date | null;
  converted?: boolean | null;
  convertedAt?: Date | null;
  stepIds?: string[] | null;
}

/**
 * An experiment's table: per arm, entries (random assignments only), ended runs, conversions (recorded by the runs
 * when they end), the arm's messages from the delivery ledger, and the comparison with the holdout; then the leader
 * and, when the evidence is there, the winner. Undefined when no run has entered it.
 */
export async function experimentReport(experiment: string): Promise<ExperimentReport | undefined> {
  const rows = await ExperimentEntry.find({ experiment })
    .select({
      workflowId: 1,
      entryId: 1,
      journey: 1,
      journeyVersion: 1,
      arm: 1,
      assignedBy: 1,
      enteredAt: 1,
      endedAt: 1,
      converted: 1,
      convertedAt: 1,
      stepIds: 1,
    })
    .lean<EntryRow[]>();
  if (rows.length === 0) return undefined;
  const sample = rows.filter((r) => r.assignedBy === 'random');
  const messages = await messagesByArm(sample);

  const armNames = [...new Set(sample.map((r) => r.arm))].sort((a, b) =>
    a === HOLDOUT_ARM ? -1 : b === HOLDOUT_ARM ? 1 : a.localeCompare(b),
  );
  const arms: ArmReport[] = armNames.map((arm) => {
    const of = sample.filter((r) => r.arm === arm);
    const converted = of.filter((r) => r.converted === true);
    const times = converted.filter((r) => r.convertedAt).map((r) => r.convertedAt!.getTime() - r.enteredAt.getTime());
    const timeToConvert = times.length ? median(times) : undefined;
    return {
      arm,
      holdout: arm === HOLDOUT_ARM,
      entries: of.length,
      ended: of.filter((r) => r.endedAt).length,
      converted: converted.length,
      conversionRate: rate({ conversions: converted.length, entries: of.length }),
      messages: messages.get(arm) ?? {},
      ...(timeToConvert === undefined ? {} : { medianTimeToConvertMs: timeToConvert }),
    };
  });
  const holdout = arms.find((a) => a.holdout);
  if (holdout) {
    for (const arm of arms.filter((a) => !a.holdout)) {
      const comparison = compareProportions(
        { conversions: arm.converted, entries: arm.entries },
        { conversions: holdout.converted, entries: holdout.entries },
      );
      if (comparison) arm.vsHoldout = comparison;
    }
  }

  const journeys = new Map<string, Set<number>>();
  for (const r of rows) journeys.set(r.journey, (journeys.get(r.journey) ?? new Set()).add(r.journeyVersion));
  const promotion = await ExperimentPromotion.findById(experiment).lean();
  return {
    experiment,
    journeys: [...journeys].map(([journey, versions]) => ({ journey, versions: [...versions].sort((a, b) => a - b) })),
    entries: sample.length,
    arms,
    ...judge(arms),
    ...(promotion
      ? {
          promotion: {
            arm: promotion.arm,
            promotedAt: promotion.promotedAt.toISOString(),
            entriesSince: rows.filter((r) => r.assignedBy === 'promoted').length,
          },
        }
      : {}),
  };
}

/** The leader, and whether it has won: better than the holdout (Bonferroni over the arms) and than the runner-up. */
export function judge(arms: readonly ArmReport[]): Pick<ExperimentReport, 'leader' | 'winner' | 'verdict'> {
  const treatments = arms.filter((a) => !a.holdout).sort((a, b) => b.conversionRate - a.conversionRate);
  const [leader, runnerUp] = treatments;
  if (!leader) return { verdict: 'no arm has entries yet' };
  const holdout = arms.find((a) => a.holdout);
  const reasons: string[] = [];
  let wins = true;
  if (holdout) {
    const alpha = ALPHA / treatments.length;
    const p = leader.vsHoldout?.pValue ?? 1;
    const better = (leader.vsHoldout?.uplift ?? 0) > 0 && p < alpha;
    wins &&= better;
    reasons.push(`vs holdout p=${p.toPrecision(2)} ${better ? '<' : '≥'} ${alpha.toPrecision(2)}`);
  }
  if (runnerUp) {
    const vs = compareProportions(
      { conversions: leader.converted, entries: leader.entries },
      { conversions: runnerUp.converted, entries: runnerUp.entries },
    );
    const p = vs?.pValue ?? 1;
    const better = (vs?.uplift ?? 0) > 0 && p < ALPHA;
    wins &&= better;
    reasons.push(`vs ${runnerUp.arm} p=${p.toPrecision(2)} ${better ? '<' : '≥'} ${ALPHA}`);
  }
  const why = reasons.join(', ');
  return wins
    ? { leader: leader.arm, winner: leader.arm, verdict: `${leader.arm} wins (${why})` }
    : { leader: leader.arm, verdict: `no winner yet: ${leader.arm} leads (${why})` };
}

/** Ledger states of the messages each arm's runs sent inside the experiment, read by ledger id in batches. */
async function messagesByArm(rows: readonly EntryRow[]): Promise<Map<string, Record<string, number>>> {
  const armOf = new Map<string, string>();
  for (const r of rows) {
    for (const step of r.stepIds ?? []) armOf.set(deliveryId(r.workflowId, step, r.entryId ?? undefined), r.arm);
  }
  const ids = [...armOf.keys()];
  const counts = new Map<string, Record<string, number>>();
  for (let i = 0; i < ids.length; i += 500) {
    const entries = await Delivery.find({ _id: { $in: ids.slice(i, i + 500) } })
      .select({ state: 1 })
      .lean();
    for (const e of entries) {
      const arm = armOf.get(e._id)!;
      const byState = counts.get(arm) ?? {};
      byState[e.state] = (byState[e.state] ?? 0) + 1;
      counts.set(arm, byState);
    }
  }
  return counts;
}
