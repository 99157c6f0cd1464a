import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { median } from 'simple-statistics';
import { journeyCatalog } from '../journeys';
import { Delivery } from '../models/delivery';
import type { JourneyWorkflow } from '../sdk/define-journey';
import type { Outcome } from '../sdk/journey-types';
import { WaymarkOutcome, WaymarkStep } from '../sdk/search-attributes';
import { journeyRunsQuery } from '../routing/visibility-query';

export const OUTCOMES: readonly Outcome[] = ['converted', 'completed', 'exited', 'lost', 'ineligible'];

/** Runs listed per question at most (a busy range is counted exactly, but its reasons and medians are sampled). */
export const LIST_LIMIT = 10_000;

export interface StatsRange {
  /** Inclusive: runs that started at or after it, sends attempted at or after it. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** One send step of one version (`<channel>:<template>`), from the delivery ledger. */
export interface SendStepStats {
  stepId: string;
  channel: string;
  /** Ledger entries: one per run that reached the step. */
  total: number;
  sent: number;
  /** Entries ever held back to a later time (quiet hours, caps, arbitration), whatever came after. */
  deferred: number;
  /** Held back right now, waiting for their time. */
  waiting: number;
  capped: number;
  failed: number;
  blocked: number;
  blockedBy: Record<string, number>;
  cappedBy: Record<string, number>;
  failedBy: Record<string, number>;
}

export type VersionStats = {
  version: number;
  /** Runs that started in the range (Temporal visibility). */
  entered: number;
  /** Of those, still running. */
  inProgress: number;
  /** Of those, ended by outcome (converted, completed, exited, lost, ineligible). */
  outcomes: Record<Outcome, number>;
  converted: number;
  /** Runs that ended other than converted or completed, by outcome and reason (from each run's end memo). */
  exitedBy: Record<string, number>;
  /** Median from entry to the goal, of the converted runs. */
  medianTimeToConvertMs?: number;
  /** Where the runs in progress are (WaymarkStep) and where ended runs stopped. */
  steps: Array<{ step: string; inProgress: number; ended: number }>;
  sends: SendStepStats[];
  /** Per channel, the sums of its send steps. */
  channels: Array<Omit<SendStepStats, 'stepId' | 'blockedBy' | 'cappedBy' | 'failedBy'>>;
  /** True when a list hit LIST_LIMIT: reasons, steps and the median come from the first runs only. */
  sampled: boolean;
};

export type JourneyStats = {
  journey: string;
  from: string;
  to: string;
  versions: VersionStats[];
};

/**
 * The journey's analytics for runs that started in the range: counts by version from Temporal visibility (exact, by
 * `count`), reasons, steps and the median time to convert from listing the runs, and per send step and channel from
 * the delivery ledger (a MongoDB aggregation over the sends attempted in the range). The diagram overlay and the
 * `stats` API and CLI read this one function.
 */
export async function journeyStats(
  client: Client,
  journey: string,
  range: StatsRange,
  catalog: readonly JourneyWorkflow[] = journeyCatalog,
): Promise<JourneyStats> {
  const versions = catalog
    .filter((w) => w.journey.name === journey)
    .map((w) => w.journey.version)
    .sort((a, b) => a - b);
  if (versions.length === 0) throw new UnknownJourneyError(journey, catalog);
  const ledger = await ledgerStats(journey, range);
  return {
    journey,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    versions: await Promise.all(
      versions.map((version) => versionStats(client, journey, version, range, ledger.get(version) ?? [])),
    ),
  };
}

/** The analytics of one journey version (the diagram of that version draws them). */
export async function journeyVersionStats(
  client: Client,
  journey: string,
  version: number,
  range: StatsRange,
): Promise<VersionStats> {
  const ledger = await ledgerStats(journey, range, version);
  return versionStats(client, journey, version, range, ledger.get(version) ?? []);
}

export class UnknownJourneyError extends Error {
  constructor(journey: string, catalog: readonly JourneyWorkflow[]) {
    const known = [...new Set(catalog.map((w) => w.journey.name))].join(', ');
    super(`no journey '${journey}'; known: ${known}`);
  }
}

async function versionStats(
  client: Client,
  journey: string,
  version: number,
  range: StatsRange,
  sends: SendStepStats[],
): Promise<VersionStats> {
  const query = (extra?: string) => journeyRunsQuery(journey, { version, from: range.from, to: range.to, extra });
  const count = async (extra?: string) => (await client.workflow.count(query(extra))).count;
  const [entered, inProgress, ...byOutcome] = await Promise.all([
    count(),
    count(`ExecutionStatus = 'Running'`),
    ...OUTCOMES.map((o) => count(`WaymarkOutcome = '${o}'`)),
  ]);
  const outcomes = Object.fromEntries(OUTCOMES.map((o, i) => [o, byOutcome[i]])) as Record<Outcome, number>;

  const [running, ended] = await Promise.all([
    list(client, query(`ExecutionStatus = 'Running'`)),
    list(client, query(`ExecutionStatus != 'Running'`)),
  ]);
  const outcomeOf = (run: WorkflowExecutionInfo) => run.typedSearchAttributes.get(WaymarkOutcome);
  const converted = ended.runs.filter((r) => outcomeOf(r) === 'converted');
  const left = ended.runs.filter((r) => ['exited', 'lost', 'ineligible'].includes(outcomeOf(r) ?? ''));

  const exitedBy: Record<string, number> = {};
  for (const run of left) {
    const memo = run.memo as { outcome?: string; reason?: string } | undefined;
    const key = `${memo?.outcome ?? 'exited'}: ${memo?.reason ?? '(reason not recorded)'}`;
    exitedBy[key] = (exitedBy[key] ?? 0) + 1;
  }
  const times = converted.filter((r) => r.closeTime).map((r) => r.closeTime!.getTime() - r.startTime.getTime());

  const steps = new Map<string, { step: string; inProgress: number; ended: number }>();
  const stepOf = (run: WorkflowExecutionInfo) => run.typedSearchAttributes.get(WaymarkStep) ?? 'entry';
  const tally = (run: WorkflowExecutionInfo, field: 'inProgress' | 'ended') => {
    const name = stepOf(run);
    const row = steps.get(name) ?? { step: name, inProgress: 0, ended: 0 };
    row[field] += 1;
    steps.set(name, row);
  };
  running.runs.forEach((r) => tally(r, 'inProgress'));
  ended.runs.forEach((r) => tally(r, 'ended'));

  return {
    version,
    entered,
    inProgress,
    outcomes,
    converted: outcomes.converted,
    exitedBy,
    ...(times.length ? { medianTimeToConvertMs: median(times) } : {}),
    steps: [...steps.values()],
    sends,
    channels: channelTotals(sends),
    sampled: running.truncated || ended.truncated,
  };
}

async function list(client: Client, query: string) {
  const runs: WorkflowExecutionInfo[] = [];
  for await (const run of client.workflow.list({ query, pageSize: 1000 })) {
    if (runs.length >= LIST_LIMIT) return { runs, truncated: true };
    runs.push(run);
  }
  return { runs, truncated: false };
}

interface LedgerGroup {
  _id: { version: number; stepId: string; channel: string; state: string; reason?: string | null };
  entries: number;
  deferred: number;
}

/** Ledger entries of the journey (or one version) attempted in the range, by version, step, channel, state, reason. */
async function ledgerStats(
  journey: string,
  range: StatsRange,
  version?: number,
): Promise<Map<number, SendStepStats[]>> {
  const groups = await Delivery.aggregate<LedgerGroup>([
    {
      $match: {
        journey,
        ...(version === undefined ? {} : { journeyVersion: version }),
        at: { $gte: range.from, $lt: range.to },
      },
    },
    {
      $group: {
        _id: {
          version: '$journeyVersion',
          stepId: '$stepId',
          channel: '$channel',
          state: '$state',
          reason: '$reason',
        },
        entries: { $sum: 1 },
        deferred: { $sum: { $cond: [{ $gt: ['$deferrals', 0] }, 1, 0] } },
      },
    },
  ]);
  const byVersion = new Map<number, Map<string, SendStepStats>>();
  for (const g of groups) {
    const { version, stepId, channel, state } = g._id;
    const steps = byVersion.get(version) ?? new Map<string, SendStepStats>();
    byVersion.set(version, steps);
    const row = steps.get(stepId) ?? emptyStep(stepId, channel);
    steps.set(stepId, row);
    row.total += g.entries;
    row.deferred += g.deferred;
    const reason = g._id.reason ?? 'unknown';
    if (state === 'sent') row.sent += g.entries;
    else if (state === 'deferred') row.waiting += g.entries;
    else if (state === 'blocked') add(row, 'blocked', 'blockedBy', reason, g.entries);
    else if (state === 'capped') add(row, 'capped', 'cappedBy', reason, g.entries);
    else if (state === 'failed') add(row, 'failed', 'failedBy', reason, g.entries);
  }
  return new Map(
    [...byVersion].map(([v, steps]) => [v, [...steps.values()].sort((a, b) => a.stepId.localeCompare(b.stepId))]),
  );
}

function emptyStep(stepId: string, channel: string): SendStepStats {
  return {
    stepId,
    channel,
    total: 0,
    sent: 0,
    deferred: 0,
    waiting: 0,
    capped: 0,
    failed: 0,
    blocked: 0,
    blockedBy: {},
    cappedBy: {},
    failedBy: {},
  };
}

function add(
  row: SendStepStats,
  count: 'blocked' | 'capped' | 'failed',
  by: 'blockedBy' | 'cappedBy' | 'failedBy',
  reason: string,
  n: number,
) {
  row[count] += n;
  row[by][reason] = (row[by][reason] ?? 0) + n;
}

function channelTotals(sends: readonly SendStepStats[]): VersionStats['channels'] {
  const byChannel = new Map<string, VersionStats['channels'][number]>();
  for (const s of sends) {
    const row = byChannel.get(s.channel) ?? {
      channel: s.channel,
      total: 0,
      sent: 0,
      deferred: 0,
      waiting: 0,
      capped: 0,
      failed: 0,
      blocked: 0,
    };
    for (const k of ['total', 'sent', 'deferred', 'waiting', 'capped', 'failed', 'blocked'] as const) row[k] += s[k];
    byChannel.set(s.channel, row);
  }
  return [...byChannel.values()];
}
