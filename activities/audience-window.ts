import { Profile } from '../models/profile';
import { findAudience } from '../journeys/find-audience';
import { cursorPages } from './cursor-pages';
import type { AudienceDefinition, AudienceMatch, AudienceProfile } from '../sdk/contracts/audience';

export interface AudienceWindowRead {
  audience: string;
  /** Inclusive start of the date window (ISO date-time). */
  windowStart: string;
  /** Exclusive end of the date window (ISO date-time). */
  windowEnd: string;
  /** Only profiles with `_id > afterId`: where an earlier read stopped. */
  afterId?: string;
  pageSize: number;
  /** Read at most this many pages. */
  maxPages: number;
}

export interface AudienceWindowPage {
  profilesScanned: number;
  matches: AudienceMatch[];
  /** `_id` of the page's last profile: a later read resumes after it. */
  lastId: string;
}

/**
 * The profiles of an audience's date window in `_id` order, in pages, through one cursor: the window is queried
 * once (by the date index, which the query hints) and streamed, never re-queried per page. `_id` order (not the date:
 * a multikey field, with an array's several dates per profile) gives a position to resume after. Only `_id` and the
 * audience's projection are read; its date field's index is made by the worker at start (worker/audience-indexes.ts).
 */
export async function* readAudienceWindow(
  read: AudienceWindowRead,
  audiences?: readonly AudienceDefinition[],
): AsyncGenerator<AudienceWindowPage> {
  const audience = findAudience(read.audience, audiences);
  const window = { start: new Date(read.windowStart), end: new Date(read.windowEnd) };
  const filter: Record<string, unknown> = { ...audience.filter(window) };
  if (read.afterId !== undefined) filter._id = { $gt: read.afterId };
  const cursor = Profile.find(filter)
    .select(Object.fromEntries([['_id', 1], ...audience.projection.map((path) => [path, 1])]))
    .hint({ [audience.dateField]: 1 })
    .sort({ _id: 1 })
    .limit(read.pageSize * read.maxPages)
    .lean<AudienceProfile[]>()
    .cursor({ batchSize: read.pageSize });
  for await (const page of cursorPages(cursor as AsyncIterable<AudienceProfile> & typeof cursor, read.pageSize)) {
    yield {
      profilesScanned: page.length,
      matches: page.flatMap((profile) => audience.matchesOf(profile, window)),
      lastId: page[page.length - 1]._id,
    };
  }
}
