import { ApplicationFailure } from '@temporalio/activity';
import { isInvalidQuery } from '../models/mongo-errors';
import { Profile, findLiveProfile } from '../models/profile';
import type { EligibilityRequest, EligibilityResult } from '../sdk/contracts/journey-activities';

/**
 * Runs a journey's eligibility filter in MongoDB, `{ _id: customerId, ...filter }`. When the profile does not match,
 * each top-level condition is tried on its own so the outcome names the ones that fail (`profile` when there is no
 * profile at all). Conditions that only fail together are all named.
 *
 * Filters must run on every supported store: FerretDB 1.x (the embedded stack) has no `$elemMatch` on fields of array
 * elements, so journeys use dotted paths here and check the exact array element on the loaded profile.
 */
export async function checkEligibility(request: EligibilityRequest): Promise<EligibilityResult> {
  const { filter } = request;
  try {
    // A merged anonymous visitor is judged as the customer it was merged into.
    const customerId = (await findLiveProfile<{ _id: string }>(request.customerId))?._id ?? request.customerId;
    if (await Profile.exists({ ...filter, _id: customerId })) return { eligible: true, failed: [] };
    if (!(await Profile.exists({ _id: customerId }))) return { eligible: false, failed: ['profile'] };
    const failed: string[] = [];
    for (const [path, condition] of Object.entries(filter)) {
      if (!(await Profile.exists({ _id: customerId, [path]: condition }))) failed.push(path);
    }
    return { eligible: false, failed: failed.length > 0 ? failed : Object.keys(filter) };
  } catch (error) {
    if (isInvalidQuery(error)) {
      // Retrying cannot help: fail the activity for good so the run fails visibly instead of retrying forever.
      throw ApplicationFailure.nonRetryable(
        `eligibility filter ${JSON.stringify(filter)} cannot run: ${(error as Error).message}`,
        'InvalidEligibilityFilter',
      );
    }
    throw error;
  }
}
