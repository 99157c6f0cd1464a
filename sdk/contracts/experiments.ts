// The experiment contract: the activities `j.experiment` calls (implemented in activities/experiments.ts, checked with
// `satisfies`) and what they record. Types only: workflow code imports it freely.
import type { Outcome } from '../journey-types';

/** The arm name every experiment reserves for its holdout: entries that get no message from the experiment. */
export const HOLDOUT_ARM = 'holdout';

export interface EnterExperimentRequest {
  experiment: string;
  journey: string;
  journeyVersion: number;
  workflowId: string;
  runId: string;
  /**
   * The run's entry (`firstExecutionRunId`, the same in every run continued as new): keys the experiment entry, and
   * with the workflow and step ids, the arm's ledger entries.
   */
  entryId: string;
  customerId: string;
  /** Arm → weight, the holdout included; the assignment hashes the workflow id with the experiment's name. */
  weights: Record<string, number>;
  /** When the run started (ISO): a promotion applies only to runs started after it, never to a run in flight. */
  runStartedAt: string;
  /** Workflow time of the entry (ISO). */
  at: string;
}

export interface ExperimentAssignment {
  arm: string;
  /** `random`: the weighted assignment; `promoted`: an operator promoted a winner before this run started. */
  assignedBy: 'random' | 'promoted';
}

export interface ExperimentMembership {
  experiment: string;
  arm: string;
  /** Whether the experiment's goal signal arrived after the entry (and within its `within`, if set). */
  converted: boolean;
  convertedAt?: string;
  /** The send step ids the arm made: its messages in the delivery ledger. */
  stepIds: string[];
}

export interface ExperimentOutcomesRequest {
  workflowId: string;
  runId: string;
  /** The run's entry (`firstExecutionRunId`): the entry to update, whichever run of it ends. */
  entryId: string;
  outcome: Outcome;
  /** Workflow time the run ended (ISO). */
  endedAt: string;
  experiments: ExperimentMembership[];
}

export interface ExperimentActivities {
  /** Assigns the run's arm once and records the entry (idempotent: a retry answers the recorded arm). */
  enterExperiment(request: EnterExperimentRequest): Promise<ExperimentAssignment>;
  /** At the run's end: whether each experiment it entered converted, and which messages its arm sent. */
  recordExperimentOutcomes(request: ExperimentOutcomesRequest): Promise<void>;
}
