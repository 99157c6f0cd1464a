import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * One run's entry into an experiment (`j.experiment`): its arm when it entered, and when the run ended, whether the
 * experiment's goal converted and which send steps the arm made (their ledger entries are `deliveryId(workflowId, stepId, entryId)`).
 * `_id` is `experiment|workflowId|entryId`: a retried activity, or the run continued as new, finds the entry written.
 */
const experimentEntrySchema = new Schema(
  {
    _id: { type: String, required: true },
    experiment: { type: String, required: true },
    journey: { type: String, required: true },
    journeyVersion: { type: Number, required: true },
    workflowId: { type: String, required: true },
    runId: { type: String, required: true },
    /** The run's entry (`firstExecutionRunId`), part of its ledger keys; absent on entries recorded before it was. */
    entryId: { type: String },
    customerId: { type: String, required: true },
    arm: { type: String, required: true },
    /** Every arm the run's journey version offers, the holdout included (what a promotion may choose from). */
    arms: { type: [String], default: undefined },
    /** random: the weighted assignment (the experiment's sample); promoted: a winner given to every new entry. */
    assignedBy: { type: String, enum: ['random', 'promoted'], required: true },
    /** Workflow time of the entry. */
    enteredAt: { type: Date, required: true },
    endedAt: { type: Date },
    outcome: { type: String },
    converted: { type: Boolean },
    convertedAt: { type: Date },
    stepIds: { type: [String], default: undefined },
  },
  { timestamps: true },
);

experimentEntrySchema.index({ experiment: 1, arm: 1 });

export type ExperimentEntryDocument = InferSchemaType<typeof experimentEntrySchema> & { _id: string };

export const ExperimentEntry = model('ExperimentEntry', experimentEntrySchema);

export function experimentEntryId(experiment: string, workflowId: string, entryId: string): string {
  return `${experiment}|${workflowId}|${entryId}`;
}
