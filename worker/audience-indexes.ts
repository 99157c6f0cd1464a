import { Profile } from '../models/profile';
import { audienceCatalog } from '../journeys';
import type { AudienceDefinition } from '../sdk/contracts/audience';

/**
 * The ascending index on each audience's date field, which its scan's query hints: made from the catalog at worker
 * start, so a new date journey brings its own index. `createIndex` of an index that exists is a no-op.
 */
export async function ensureAudienceIndexes(
  audiences: readonly AudienceDefinition[] = audienceCatalog,
): Promise<string[]> {
  const fields = [...new Set(audiences.map((a) => a.dateField))];
  return Promise.all(fields.map((field) => Profile.collection.createIndex({ [field]: 1 })));
}
