import { CancellationScope, condition, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import { HOLDOUT_ARM, type ExperimentActivities, type ExperimentMembership } from './contracts/experiments';
import { durationToMs } from './durations';
import type { JourneyRun } from './journey-run';
import type { ExperimentArms, ExperimentOptions, Outcome } from './journey-types';

/**
 * Experiment records: one short, idempotent MongoDB write each, so local activities (run inside the workflow task,
 * no extra round trip through the server), retried while MongoDB is away.
 */
const experimentActivities = proxyLocalActivities<ExperimentActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const EXPERIMENT_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SEND_STEP = /^(email|sms|web):/;

interface Entry {
  membership: ExperimentMembership;
  /** Where the arm's records start and end in the run's steps (its sends are among them). */
  stepsFrom: number;
  stepsTo?: number;
  enteredAt: number;
  withinMs?: number;
  /** The goal signal, and how many of it had arrived when the run entered (later ones convert). */
  goal: string;
  cursor: number;
}

const entriesByRun = new WeakMap<JourneyRun, Entry[]>();

/** Arm → weight with the holdout: the arms share what the holdout leaves, by their weights (equal by default). */
export function experimentWeights(
  arms: readonly string[],
  holdout: number,
  weights: Readonly<Partial<Record<string, number>>> = {},
): Record<string, number> {
  const raw = arms.map((arm) => weights[arm] ?? 1);
  if (raw.some((w) => !Number.isFinite(w) || w <= 0)) throw new TypeError('experiment arm weights must be positive');
  const total = raw.reduce((a, b) => a + b, 0);
  const share = Object.fromEntries(arms.map((arm, i) => [arm, ((1 - holdout) * raw[i]) / total]));
  return holdout > 0 ? { [HOLDOUT_ARM]: holdout, ...share } : share;
}

/**
 * `j.experiment`: assigns the run an arm (recorded by an activity, so a replay and a promotion made later both see
 * the arm the run got), runs that arm's steps (the holdout runs none: no message), and watches for the goal. The
 * entry and, when the run ends, its conversion and the arm's sends are recorded (activities/experiments.ts).
 */
export async function runExperiment<A extends string>(
  run: JourneyRun,
  name: string,
  arms: ExperimentArms<A>,
  options: ExperimentOptions<A>,
): Promise<A | typeof HOLDOUT_ARM> {
  const armNames = Object.keys(arms) as A[];
  const holdout = options.holdout ?? 0;
  if (!EXPERIMENT_NAME.test(name)) throw new TypeError(`experiment name '${name}' must be kebab-case`);
  if (armNames.length === 0) throw new TypeError(`experiment ${name} needs at least one arm`);
  if (armNames.includes(HOLDOUT_ARM as A)) {
    throw new TypeError(`experiment ${name}: '${HOLDOUT_ARM}' is reserved: set options.holdout instead`);
  }
  if (!(holdout >= 0 && holdout < 1)) throw new TypeError(`experiment ${name}: holdout must be in [0, 1)`);
  const goal = options.goal ?? run.journey.goal?.signal;
  if (!goal) throw new TypeError(`experiment ${name}: the journey has no goal, so name one in options.goal`);
  const listened = [run.journey.goal, ...(run.journey.listensTo ?? [])].some((r) => r?.signal.name === goal.name);
  if (!listened) throw new TypeError(`experiment ${name}: goal ${goal.name} is not a signal this journey receives`);
  const entries = entriesByRun.get(run) ?? [];
  if (entries.some((e) => e.membership.experiment === name)) {
    throw new TypeError(`experiment ${name} entered twice in one run: give each experiment its own name`);
  }

  run.throwIfEnding();
  // The goal counts from here: an event that arrives while the entry is being recorded converts too.
  const cursor = run.inbox.countOf(goal.name);
  const info = workflowInfo();
  const { arm } = await experimentActivities.enterExperiment.executeWithOptions({ summary: `experiment ${name}` }, [
    {
      experiment: name,
      journey: run.journey.name,
      journeyVersion: run.journey.version,
      workflowId: run.workflowId,
      runId: info.runId,
      entryId: info.firstExecutionRunId,
      customerId: run.input.customerId,
      weights: experimentWeights(armNames, holdout, options.weights),
      runStartedAt: info.startTime.toISOString(),
      at: new Date().toISOString(),
    },
  ]);
  const entry: Entry = {
    membership: { experiment: name, arm, converted: false, stepIds: [] },
    stepsFrom: run.tracker.state.steps.length,
    enteredAt: new Date().getTime(),
    goal: goal.name,
    cursor,
    ...(options.within === undefined ? {} : { withinMs: durationToMs(options.within) }),
  };
  entriesByRun.set(run, [...entries, entry]);
  run.tracker.state.splits[`experiment:${name}`] = arm;
  run.tracker.record(`experiment:${name}`, arm);
  // Not cancelled with the journey's steps: the goal that ends the run is the conversion this waits for.
  void CancellationScope.nonCancellable(async () => {
    await condition(() => run.inbox.countOf(goal.name) > cursor);
    entry.membership.convertedAt = new Date().toISOString();
  });

  run.throwIfEnding();
  if (arm !== HOLDOUT_ARM) {
    const step = arms[arm as A];
    if (!step) throw new TypeError(`experiment ${name}: the recorded arm '${arm}' is not one of this version's arms`);
    await step();
  }
  entry.stepsTo = run.tracker.state.steps.length;
  return arm as A | typeof HOLDOUT_ARM;
}

/** At the run's end: records each experiment's conversion and the arm's send steps (no call without experiments). */
export async function recordExperimentOutcomes(run: JourneyRun, outcome: Outcome): Promise<void> {
  const entries = entriesByRun.get(run);
  if (!entries?.length) return;
  const steps = run.tracker.state.steps;
  const experiments = entries.map((entry): ExperimentMembership => {
    // The goal that ends the run is handled in the same activation as this: the watcher may not have run yet.
    const arrived = run.inbox.countOf(entry.goal) > entry.cursor;
    const convertedAt = entry.membership.convertedAt ?? (arrived ? new Date().toISOString() : undefined);
    const inTime =
      convertedAt !== undefined &&
      (entry.withinMs === undefined || new Date(convertedAt).getTime() - entry.enteredAt <= entry.withinMs);
    const stepIds = [
      ...new Set(
        steps
          .slice(entry.stepsFrom, entry.stepsTo ?? steps.length)
          .filter((s) => SEND_STEP.test(s.step) && !s.detail?.startsWith('deferred'))
          .map((s) => s.step),
      ),
    ];
    return {
      experiment: entry.membership.experiment,
      arm: entry.membership.arm,
      converted: inTime,
      ...(inTime ? { convertedAt } : {}),
      stepIds,
    };
  });
  await experimentActivities.recordExperimentOutcomes.executeWithOptions({ summary: 'experiment outcomes' }, [
    {
      workflowId: run.workflowId,
      runId: workflowInfo().runId,
      entryId: workflowInfo().firstExecutionRunId,
      outcome,
      endedAt: new Date().toISOString(),
      experiments,
    },
  ]);
}
