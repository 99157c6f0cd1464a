import { ExperimentEntry, experimentEntryId } from '../models/experiment-entry';
import { ExperimentPromotion } from '../models/experiment-promotion';
import { isDuplicateKey } from '../models/mongo-errors';
import type {
  EnterExperimentRequest,
  ExperimentActivities,
  ExperimentAssignment,
  ExperimentOutcomesRequest,
} from '../sdk/contracts/experiments';
import { assignArm } from '../sdk/split';

/**
 * A run enters an experiment: the arm is the weighted, deterministic assignment (hash of workflow id and experiment
 * name), unless a winner was promoted before the run started. Recorded once; a retry answers what was recorded, so a
 * promotion between two attempts cannot move a run that has entered.
 */
export async function enterExperiment(request: EnterExperimentRequest): Promise<ExperimentAssignment> {
  const _id = experimentEntryId(request.experiment, request.workflowId, request.entryId);
  const recorded = await ExperimentEntry.findById(_id).lean();
  if (recorded) return { arm: recorded.arm, assignedBy: recorded.assignedBy };
  const promotion = await ExperimentPromotion.findById(request.experiment).lean();
  const promoted =
    promotion !== null &&
    promotion.promotedAt.getTime() <= new Date(request.runStartedAt).getTime() &&
    request.weights[promotion.arm] !== undefined;
  const assignment: ExperimentAssignment = promoted
    ? { arm: promotion.arm, assignedBy: 'promoted' }
    : { arm: assignArm(request.workflowId, request.experiment, request.weights), assignedBy: 'random' };
  try {
    await ExperimentEntry.create({
      _id,
      experiment: request.experiment,
      journey: request.journey,
      journeyVersion: request.journeyVersion,
      workflowId: request.workflowId,
      runId: request.runId,
      entryId: request.entryId,
      customerId: request.customerId,
      ...assignment,
      arms: Object.keys(request.weights),
      enteredAt: new Date(request.at),
    });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const raced = await ExperimentEntry.findById(_id).lean();
    if (raced) return { arm: raced.arm, assignedBy: raced.assignedBy };
    throw error;
  }
  return assignment;
}

/** The run has ended: each experiment's conversion and the arm's send steps, on the entry. */
export async function recordExperimentOutcomes(request: ExperimentOutcomesRequest): Promise<void> {
  for (const membership of request.experiments) {
    await ExperimentEntry.updateOne(
      { _id: experimentEntryId(membership.experiment, request.workflowId, request.entryId) },
      {
        $set: {
          endedAt: new Date(request.endedAt),
          outcome: request.outcome,
          converted: membership.converted,
          ...(membership.convertedAt ? { convertedAt: new Date(membership.convertedAt) } : {}),
          stepIds: membership.stepIds,
        },
      },
    ).exec();
  }
}

export const experimentActivities = { enterExperiment, recordExperimentOutcomes } satisfies ExperimentActivities;
