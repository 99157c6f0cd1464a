import type { EligibilityRequest, EligibilityResult } from './types';
import { Profile } from '../models/profile';

/**
 * Runs a journey's eligibility filter in MongoDB, `{ _id: customerId, ...filter }`. When the profile does not match,
 * each top-level condition is tried on its own so the outcome names the ones that fail (`profile` when there is no
 * profile at all). Conditions that only fail together are all named.
 */
export async function checkEligibility({ customerId, filter }: EligibilityRequest): Promise<EligibilityResult> {
  if (await Profile.exists({ ...filter, _id: customerId })) return { eligible: true, failed: [] };
  if (!(await Profile.exists({ _id: customerId }))) return { eligible: false, failed: ['profile'] };
  const failed: string[] = [];
  for (const [path, condition] of Object.entries(filter)) {
    if (!(await Profile.exists({ _id: customerId, [path]: condition }))) failed.push(path);
  }
  return { eligible: false, failed: failed.length > 0 ? failed : Object.keys(filter) };
}
