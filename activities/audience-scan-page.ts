import { Profile } from '../models/profile';
import { findAudience } from '../journeys/find-audience';
import type { AudienceProfile, ScanAudiencePageInput, ScanAudiencePageResult } from '../sdk/contracts/audience';

/**
 * One page of an audience: profiles in the date window with `_id > afterId`, in `_id` order (range pagination, so a
 * page costs the same wherever the scan is), read through the date index.
 */
export async function scanAudiencePage(input: ScanAudiencePageInput): Promise<ScanAudiencePageResult> {
  const audience = findAudience(input.audience);
  const window = { start: new Date(input.windowStart), end: new Date(input.windowEnd) };
  const filter: Record<string, unknown> = { ...audience.filter(window) };
  if (input.afterId !== undefined) filter._id = { $gt: input.afterId };
  const profiles = await Profile.find(filter)
    .select({ _id: 1, policies: 1, dependents: 1 })
    .hint({ [audience.indexedField]: 1 })
    .sort({ _id: 1 })
    .limit(input.pageSize)
    .lean<AudienceProfile[]>();
  const matches = profiles.flatMap((profile) => audience.matchesOf(profile, window));
  const lastId = profiles.length > 0 ? profiles[profiles.length - 1]._id : undefined;
  return {
    profilesScanned: profiles.length,
    matches,
    ...(lastId !== undefined ? { lastId } : {}),
    done: profiles.length < input.pageSize,
  };
}
