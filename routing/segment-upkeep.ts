import { Profile } from '../models/profile';
import type { JourneyEvent } from '../signals/define-signal';
import { findSignal } from '../signals';
import { newestSegments, segmentCatalog, scoreModel, type SegmentDefinition } from '../segments';
import { applyScoreEvent, type ScoreModel, type ScoreState } from '../segments/score-model';
import { inCustomerLane } from './customer-lanes';
import {
  diffMembership,
  evaluateSegments,
  recordBehaviour,
  type BehaviourState,
  type Membership,
  type MembershipChange,
} from './segment-rules';

/** What upkeep keeps current on every profile: the newest segment versions and the score model (or none). */
export interface CustomerModel {
  segments: readonly SegmentDefinition[];
  scoreModel?: ScoreModel;
}

/** The catalog's segments and score model; `off` keeps none (SEGMENT_UPKEEP=off, and the bench's baseline). */
export function customerModel(upkeep: 'on' | 'off' = 'on'): CustomerModel {
  return upkeep === 'off' ? { segments: [] } : { segments: newestSegments(segmentCatalog), scoreModel };
}

export interface UpkeepProfile {
  _id: string;
  mergedIds?: string[] | null;
  mergedInto?: string | null;
  segments?: Membership[] | null;
  score?: ScoreState | null;
  behaviour?: BehaviourState | null;
  segmentsRecheckAt?: Date | null;
  updatedAt?: Date | null;
  [field: string]: unknown;
}

export interface UpkeepResult {
  /** Profiles merged into this one: their runs still carry their ids. */
  mergedIds: string[];
  changes: MembershipChange[];
}

/** What one evaluation of a profile decided: the fields to write and who entered or left which segment. */
export interface UpkeepPlan {
  set: Record<string, unknown>;
  unset: Record<string, ''>;
  changes: MembershipChange[];
}

/** Score, behaviour windows and memberships of one profile after an event (or none: the passing of time), at `now`. */
export function planUpkeep(
  model: CustomerModel,
  profile: UpkeepProfile,
  event: JourneyEvent | undefined,
  now: Date,
): UpkeepPlan {
  const score = event && model.scoreModel ? applyScoreEvent(model.scoreModel, profile.score, event) : profile.score;
  const behaviour = event ? recordBehaviour(model.segments, profile.behaviour, event) : profile.behaviour;
  const { inside, recheckAt } = evaluateSegments(model.segments, { ...profile, score, behaviour }, now);
  const { memberships, changes } = diffMembership(profile.segments, inside, now);
  const set: Record<string, unknown> = {};
  const unset: Record<string, ''> = {};
  if (score !== profile.score) set.score = score;
  if (behaviour !== profile.behaviour) set.behaviour = behaviour;
  if (changes.length > 0 || memberships.some((m, i) => m.version !== profile.segments?.[i]?.version)) {
    if (memberships.length > 0) set.segments = memberships;
    else unset.segments = '';
  }
  if (recheckAt?.getTime() !== profile.segmentsRecheckAt?.getTime()) {
    if (recheckAt) set.segmentsRecheckAt = recheckAt;
    else unset.segmentsRecheckAt = '';
  }
  return { set, unset, changes };
}

/**
 * Writes a plan to the profile. With `unchangedSince` (the `updatedAt` the plan was made from) only if no other write
 * came in between: answers false then, and nothing is written.
 */
export async function writeUpkeep(
  customerId: string,
  plan: UpkeepPlan,
  unchangedSince?: { updatedAt: Date | null },
): Promise<boolean> {
  const { set, unset } = plan;
  if (Object.keys(set).length + Object.keys(unset).length === 0) return true;
  const filter = unchangedSince ? { _id: customerId, updatedAt: unchangedSince.updatedAt } : { _id: customerId };
  const result = await Profile.updateOne(filter, {
    ...(Object.keys(set).length ? { $set: set } : {}),
    ...(Object.keys(unset).length ? { $unset: unset } : {}),
  });
  return result.matchedCount === 1;
}

/**
 * Brings one profile's score, behaviour windows and segment memberships up to date after an event (or a profile
 * change, a merge, the passing of time when no event is given), in one read and at most one write. Events only
 * Waymark emits (segment changes, identity) change nothing here.
 */
export function keepCustomerCurrent(
  model: CustomerModel,
  customerId: string,
  event: JourneyEvent | undefined,
  now: Date = new Date(),
): Promise<UpkeepResult> {
  const passive = event !== undefined && findSignal(event.signal)?.emittedBy === 'waymark';
  if (passive || (model.segments.length === 0 && !model.scoreModel)) return readMergedIds(customerId);
  return inCustomerLane(customerId, async () => {
    const profile = await Profile.findById(customerId).lean<UpkeepProfile>();
    if (!profile || profile.mergedInto) return { mergedIds: [], changes: [] };
    const plan = planUpkeep(model, profile, event, now);
    await writeUpkeep(customerId, plan);
    return { mergedIds: profile.mergedIds ?? [], changes: plan.changes };
  });
}

async function readMergedIds(customerId: string): Promise<UpkeepResult> {
  const profile = await Profile.findById(customerId, { mergedIds: 1 }).lean<{ mergedIds?: string[] | null }>();
  return { mergedIds: profile?.mergedIds ?? [], changes: [] };
}

/**
 * The events that tell journeys of membership changes. Ids derive from the cause, so re-running the same upkeep
 * (a retried request) dedupes them.
 */
export function segmentChangeEvents(
  customerId: string,
  changes: readonly MembershipChange[],
  cause: { id: string; reason: string; event?: JourneyEvent },
  at: Date,
): JourneyEvent[] {
  return changes.map((change) => ({
    id: `segment:${change.segment}:${change.change}:${customerId}:${cause.id}`,
    signal: change.change === 'entered' ? 'segment.entered' : 'segment.exited',
    version: 1,
    customerId,
    occurredAt: at.toISOString(),
    data: {
      segment: change.segment,
      version: change.version,
      reason: cause.reason,
      ...(cause.event
        ? {
            cause: {
              eventId: cause.event.id,
              signal: cause.event.signal,
              data: cause.event.data as Record<string, unknown>,
            },
          }
        : {}),
    },
  }));
}
