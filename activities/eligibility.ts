import { ApplicationFailure } from '@temporalio/activity';
import mongoose from 'mongoose';
import type { EligibilityRequest, EligibilityResult } from './types';
import { Profile } from '../models/profile';

/** MongoDB's answers to a filter it cannot run (BadValue, FailedToParse, TypeMismatch): a bug, not an outage. */
const INVALID_QUERY_CODES = new Set([2, 9, 14]);

/**
 * Runs a journey's eligibility filter in MongoDB, `{ _id: customerId, ...filter }`. When the profile does not match,
 * each top-level condition is tried on its own so the outcome names the ones that fail (`profile` when there is no
 * profile at all). Conditions that only fail together are all named.
 *
 * Filters must run on every supported store: FerretDB 1.x (the embedded stack) has no `$elemMatch` on fields of array
 * elements, so journeys use dotted paths here and check the exact array element on the loaded profile.
 */
export async function checkEligibility({ customerId, filter }: EligibilityRequest): Promise<EligibilityResult> {
  try {
    if (await Profile.exists({ ...filter, _id: customerId })) return { eligible: true, failed: [] };
    if (!(await Profile.exists({ _id: customerId }))) return { eligible: false, failed: ['profile'] };
    const failed: string[] = [];
    for (const [path, condition] of Object.entries(filter)) {
      if (!(await Profile.exists({ _id: customerId, [path]: condition }))) failed.push(path);
    }
    return { eligible: false, failed: failed.length > 0 ? failed : Object.keys(filter) };
  } catch (error) {
    if (isInvalidFilter(error)) {
      // Retrying cannot help: fail the activity for good so the run fails visibly instead of retrying forever.
      throw ApplicationFailure.nonRetryable(
        `eligibility filter ${JSON.stringify(filter)} cannot run: ${(error as Error).message}`,
        'InvalidEligibilityFilter',
      );
    }
    throw error;
  }
}

function isInvalidFilter(error: unknown): boolean {
  if (error instanceof mongoose.Error.CastError || error instanceof mongoose.Error.StrictModeError) return true;
  return error instanceof mongoose.mongo.MongoServerError && INVALID_QUERY_CODES.has(Number(error.code));
}
