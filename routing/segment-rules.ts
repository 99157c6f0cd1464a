// Segment membership as pure functions of a profile document: behaviour windows, filters (sift runs MongoDB's query
// language in memory, so a segment's filter means what it would mean in a find), and what changed.
import sift from 'sift';
import type { JourneyEvent } from '../signals/define-signal';
import { behaviourKey, type SegmentDefinition } from '../segments/define-segment';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Per behaviour window, its latest matching events as `<ISO time>|<event id>`, oldest first. */
export type BehaviourState = Record<string, string[]>;

export interface Membership {
  name: string;
  version: number;
  since: Date;
}

export interface MembershipChange {
  segment: string;
  version: number;
  change: 'entered' | 'exited';
}

/**
 * The behaviour state after an event: each window of the given segments that counts it keeps its latest `atLeast`
 * events. Returns the same object when no window counts the event, or when it was counted before (a re-routed event).
 */
export function recordBehaviour(
  segments: readonly SegmentDefinition[],
  state: BehaviourState | null | undefined,
  event: JourneyEvent,
): BehaviourState | null | undefined {
  let next: BehaviourState | undefined;
  const entry = `${new Date(event.occurredAt).toISOString()}|${event.id}`;
  for (const segment of segments) {
    for (const window of segment.behaviour ?? []) {
      if (window.signal.name !== event.signal) continue;
      if (window.where && !window.where(event.data as never)) continue;
      const key = behaviourKey(segment, window);
      const entries = state?.[key] ?? [];
      if (entries.some((e) => e.endsWith(`|${event.id}`))) continue;
      next ??= { ...(state ?? {}) };
      next[key] = [...entries, entry].sort().slice(-window.atLeast);
    }
  }
  return next ?? state;
}

/** When a window that holds now stops holding (its oldest counted event leaves the window), or undefined. */
function windowHolds(entries: readonly string[], atLeast: number, withinDays: number, now: Date) {
  if (entries.length < atLeast) return { holds: false as const };
  const oldest = Date.parse(entries[entries.length - atLeast].split('|')[0]);
  const lapsesAt = oldest + withinDays * DAY_MS;
  return lapsesAt > now.getTime() ? { holds: true as const, lapsesAt } : { holds: false as const };
}

/**
 * Which segments a profile is in at `now`, and when the earliest behaviour window that holds will lapse (the profile
 * must be looked at again then, event or not).
 */
export function evaluateSegments(
  segments: readonly SegmentDefinition[],
  profile: Record<string, unknown> & { behaviour?: BehaviourState | null },
  now: Date,
): { inside: SegmentDefinition[]; recheckAt?: Date } {
  const inside: SegmentDefinition[] = [];
  let recheckAt: number | undefined;
  for (const segment of segments) {
    let lapses: number | undefined;
    const windowsHold = (segment.behaviour ?? []).every((window) => {
      const verdict = windowHolds(
        profile.behaviour?.[behaviourKey(segment, window)] ?? [],
        window.atLeast,
        window.withinDays,
        now,
      );
      if (verdict.holds) lapses = Math.min(lapses ?? Infinity, verdict.lapsesAt);
      return verdict.holds;
    });
    if (!windowsHold || !matchesFilter(segment, profile)) continue;
    inside.push(segment);
    if (lapses !== undefined) recheckAt = Math.min(recheckAt ?? Infinity, lapses);
  }
  return { inside, ...(recheckAt !== undefined ? { recheckAt: new Date(recheckAt) } : {}) };
}

const compiled = new WeakMap<SegmentDefinition, (profile: unknown) => boolean>();

function matchesFilter(segment: SegmentDefinition, profile: Record<string, unknown>): boolean {
  let test = compiled.get(segment);
  if (!test) {
    test = sift(segment.filter as never) as (profile: unknown) => boolean;
    compiled.set(segment, test);
  }
  return test(profile);
}

/** The memberships after an evaluation (unchanged ones keep their `since`), and who entered or left. */
export function diffMembership(
  previous: readonly Membership[] | null | undefined,
  inside: readonly SegmentDefinition[],
  now: Date,
): { memberships: Membership[]; changes: MembershipChange[] } {
  const before = new Map((previous ?? []).map((m) => [m.name, m]));
  const memberships: Membership[] = [];
  const changes: MembershipChange[] = [];
  for (const segment of inside) {
    const was = before.get(segment.name);
    memberships.push(
      was ? { ...was, version: segment.version } : { name: segment.name, version: segment.version, since: now },
    );
    if (!was) changes.push({ segment: segment.name, version: segment.version, change: 'entered' });
  }
  const nowInside = new Set(inside.map((s) => s.name));
  for (const was of before.values()) {
    if (!nowInside.has(was.name)) changes.push({ segment: was.name, version: was.version, change: 'exited' });
  }
  return { memberships, changes };
}
