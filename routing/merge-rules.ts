// How an anonymous visitor's profile merges into a known customer's (docs/identity.md): pure, so the rules are
// tested on their own and the merge record can say exactly what they decided.
import { mergeScores, type ScoreModel, type ScoreState } from '../segments/score-model';
import type { BehaviourState } from './segment-rules';

type ConsentStatus = 'granted' | 'revoked' | 'unknown';
const CHANNELS = ['email', 'sms', 'web'] as const;
type Channel = (typeof CHANNELS)[number];

export interface ChannelConsent {
  status?: ConsentStatus | null;
  topics?: Record<string, boolean> | Map<string, boolean> | null;
  updatedAt?: Date | null;
  source?: string | null;
}

/** The profile fields a merge reads (a lean Profile document fits). */
export interface MergeableProfile {
  _id: string;
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  timeZone?: string | null;
  locale?: string | null;
  anonymousIds?: string[] | null;
  mergedIds?: string[] | null;
  consent?: Partial<Record<Channel, ChannelConsent | null>> | null;
  attributes?: Record<string, unknown> | null;
  score?: ScoreState | null;
  behaviour?: BehaviourState | null;
}

/** What the identify call states itself (it wins over both profiles). */
export interface StatedIdentity {
  email?: string;
  phone?: string;
  traits?: Record<string, unknown>;
  consent?: Partial<Record<Channel, StatedChannelConsent>>;
}

type StatedChannelConsent = { status: 'granted' | 'revoked'; topics?: Record<string, boolean> };

const PROFILE_FIELDS = ['email', 'phone', 'firstName', 'lastName', 'timeZone', 'locale'] as const;

const topicsOf = (c: ChannelConsent | null | undefined): Record<string, boolean> =>
  c?.topics instanceof Map ? Object.fromEntries(c.topics) : { ...(c?.topics ?? {}) };

/**
 * One channel's consent after a merge. What the customer states now wins; otherwise the more restrictive statement:
 * revoked if either profile revoked, else granted if either granted, else unknown (`unknown` is no statement, so an
 * anonymous visitor's never-asked channel does not undo the customer's grant). Topics: an opt-out on either side
 * stays an opt-out.
 */
export function mergeChannelConsent(
  known: ChannelConsent | null | undefined,
  visitor: ChannelConsent | null | undefined,
  stated: StatedChannelConsent | undefined,
  at: Date,
): ChannelConsent {
  const topics = topicsOf(known);
  for (const [topic, allowed] of Object.entries(topicsOf(visitor))) topics[topic] = (topics[topic] ?? true) && allowed;
  if (stated) {
    return {
      status: stated.status,
      topics: { ...topics, ...(stated.topics ?? {}) },
      updatedAt: at,
      source: 'identify',
    };
  }
  const statuses = [known?.status ?? 'unknown', visitor?.status ?? 'unknown'];
  const status: ConsentStatus = statuses.includes('revoked')
    ? 'revoked'
    : statuses.includes('granted')
      ? 'granted'
      : 'unknown';
  const unchanged =
    status === (known?.status ?? 'unknown') && JSON.stringify(topics) === JSON.stringify(topicsOf(known));
  return unchanged ? { ...(known ?? {}), topics } : { status, topics, updatedAt: at, source: 'merge' };
}

/** Behaviour windows of both, each keeping its latest entries (as many as the longer list held). */
function mergeBehaviour(a: BehaviourState | null | undefined, b: BehaviourState | null | undefined) {
  const merged: BehaviourState = { ...(a ?? {}) };
  for (const [key, entries] of Object.entries(b ?? {})) {
    const keep = Math.max(entries.length, merged[key]?.length ?? 0);
    merged[key] = [...new Set([...(merged[key] ?? []), ...entries])].sort().slice(-keep);
  }
  return merged;
}

/**
 * The `$set` for the known profile when `visitor` merges into it:
 * - email, phone, names, time zone, locale: the known profile's; the visitor's (then the stated one) fills a gap;
 * - consent per channel: mergeChannelConsent;
 * - traits (`attributes`): the known profile's keys win, the visitor's fill in, the stated traits win over both;
 * - score: both added up (mergeScores), the moves of both kept; behaviour windows: both;
 * - anonymous ids and merged ids: added by the caller ($addToSet), not here.
 * Segments are evaluated afresh on the result by the caller.
 */
export function mergedProfileFields(
  known: MergeableProfile,
  visitor: MergeableProfile | undefined,
  stated: StatedIdentity,
  model: ScoreModel | undefined,
  at: Date,
): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const field of PROFILE_FIELDS) {
    const fill = visitor?.[field] ?? (field === 'email' || field === 'phone' ? stated[field] : undefined);
    if (!known[field] && fill) set[field] = fill;
  }
  for (const channel of CHANNELS) {
    const merged = mergeChannelConsent(
      known.consent?.[channel],
      visitor?.consent?.[channel],
      stated.consent?.[channel],
      at,
    );
    if (
      JSON.stringify(merged) !==
      JSON.stringify({ ...(known.consent?.[channel] ?? {}), topics: topicsOf(known.consent?.[channel]) })
    ) {
      set[`consent.${channel}`] = merged;
    }
  }
  const traits = { ...(visitor?.attributes ?? {}), ...(known.attributes ?? {}), ...(stated.traits ?? {}) };
  if (JSON.stringify(traits) !== JSON.stringify(known.attributes ?? {})) set.attributes = traits;
  if (visitor && model) {
    const score = mergeScores(model, known.score, visitor.score);
    if (score && score !== known.score) set.score = score;
  }
  if (visitor?.behaviour && Object.keys(visitor.behaviour).length > 0) {
    set.behaviour = mergeBehaviour(known.behaviour, visitor.behaviour);
  }
  return set;
}
