import type { JourneyEvent, SignalData, SignalDefinition } from '../signals/define-signal';

/** The parts of an engagement score that events add to; each fades with the model's half-life. */
export const SCORE_PARTS = ['frequency', 'monetary', 'engagement', 'visitDepth'] as const;
export type ScorePart = (typeof SCORE_PARTS)[number];
export type ScoreParts = Record<ScorePart, number>;

/** What one signal adds to the parts, e.g. an order adds its total to `monetary` and 1 to `frequency`. */
export interface ScoreContribution<S extends SignalDefinition = SignalDefinition> {
  readonly signal: S;
  parts(data: SignalData<S>): Partial<ScoreParts>;
}

export interface ScoreModel {
  readonly name: string;
  /** A new version starts every profile's score afresh at its next event (parts of another model do not carry). */
  readonly version: number;
  readonly description: string;
  /**
   * score = recency × 2^(−days since the last scored event / recencyHalfLifeDays)
   *       + Σ weight × part, each part faded by 2^(−days since it was added / halfLifeDays).
   */
  readonly weights: Readonly<ScoreParts & { recency: number }>;
  readonly halfLifeDays: number;
  readonly recencyHalfLifeDays: number;
  readonly contributions: readonly ScoreContribution[];
}

/** One event that moved the score: the explanation the API and the export show. */
export interface ScoreMove {
  eventId: string;
  signal: string;
  at: string;
  /** The score right after the event minus the score just before it (both at the event's time). */
  delta: number;
  parts: Partial<ScoreParts>;
}

/** The score as kept on the profile (`score`), as of `asOf`. Segments and eligibility filters read `score.value`. */
export interface ScoreState {
  model: string;
  version: number;
  value: number;
  asOf: string;
  parts: ScoreParts;
  lastActivityAt: string;
  /** The latest moves, oldest first (at most MAX_SCORE_MOVES). */
  moves: ScoreMove[];
}

export const MAX_SCORE_MOVES = 20;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A typed contribution: `scoreOn(orderCompleted, (order) => ({ monetary: order.total, frequency: 1 }))`. */
export function scoreOn<S extends SignalDefinition>(
  signal: S,
  parts: (data: SignalData<S>) => Partial<ScoreParts>,
): ScoreContribution<S> {
  return { signal, parts };
}

export function defineScoreModel(model: ScoreModel): ScoreModel {
  if (!Number.isInteger(model.version) || model.version < 1) throw new TypeError('score model: version must be >= 1');
  for (const [name, days] of [
    ['halfLifeDays', model.halfLifeDays],
    ['recencyHalfLifeDays', model.recencyHalfLifeDays],
  ] as const) {
    if (!(days > 0)) throw new TypeError(`score model ${model.name}: ${name} must be more than 0`);
  }
  for (const [part, weight] of Object.entries(model.weights)) {
    if (!Number.isFinite(weight) || weight < 0) throw new TypeError(`score model ${model.name}: weight ${part} < 0`);
  }
  return Object.freeze({ ...model });
}

const round = (n: number) => Math.round(n * 100) / 100;
const fade = (value: number, ms: number, halfLifeDays: number) =>
  value * 2 ** (-Math.max(0, ms) / (halfLifeDays * DAY_MS));

function emptyParts(): ScoreParts {
  return { frequency: 0, monetary: 0, engagement: 0, visitDepth: 0 };
}

/** The parts an event adds under the model; undefined when the model does not score its signal. */
export function contributionOf(model: ScoreModel, event: JourneyEvent): Partial<ScoreParts> | undefined {
  const matching = model.contributions.filter((c) => c.signal.name === event.signal);
  if (matching.length === 0) return undefined;
  const added: Partial<ScoreParts> = {};
  for (const contribution of matching) {
    for (const [part, value] of Object.entries(contribution.parts(event.data as never)) as [ScorePart, number][]) {
      if (Number.isFinite(value) && value !== 0) added[part] = (added[part] ?? 0) + value;
    }
  }
  return added;
}

/** The score at an instant: parts and recency faded from `asOf` (and the last activity) to `at`. */
export function scoreValueAt(model: ScoreModel, state: Omit<ScoreState, 'value' | 'moves'>, at: Date): number {
  const since = at.getTime() - Date.parse(state.asOf);
  let value = fade(model.weights.recency, at.getTime() - Date.parse(state.lastActivityAt), model.recencyHalfLifeDays);
  for (const part of SCORE_PARTS)
    value += model.weights[part] * fade(state.parts[part] ?? 0, since, model.halfLifeDays);
  return round(value);
}

function fadedParts(model: ScoreModel, state: ScoreState | undefined, to: number): ScoreParts {
  const parts = emptyParts();
  if (!state) return parts;
  const since = to - Date.parse(state.asOf);
  for (const part of SCORE_PARTS) parts[part] = fade(state.parts[part] ?? 0, since, model.halfLifeDays);
  return parts;
}

/** A state of this model, or undefined (a state of another model or version starts afresh). */
function current(model: ScoreModel, state: ScoreState | null | undefined): ScoreState | undefined {
  return state && state.model === model.name && state.version === model.version ? state : undefined;
}

/**
 * The score after one event. Late events count too: an event older than the state is faded by its age. Returns the
 * same state object when the model does not score the event's signal.
 */
export function applyScoreEvent(
  model: ScoreModel,
  previous: ScoreState | null | undefined,
  event: JourneyEvent,
): ScoreState | null | undefined {
  const added = contributionOf(model, event);
  const state = current(model, previous);
  // A re-routed event (routing died half-way and the event came again) is not counted twice.
  if (!added || state?.moves.some((m) => m.eventId === event.id)) return previous;
  const at = Date.parse(event.occurredAt);
  const asOf = Math.max(at, state ? Date.parse(state.asOf) : at);
  const parts = fadedParts(model, state, asOf);
  for (const [part, value] of Object.entries(added) as [ScorePart, number][]) {
    parts[part] += fade(value, asOf - at, model.halfLifeDays);
  }
  const lastActivityAt = new Date(Math.max(at, state ? Date.parse(state.lastActivityAt) : at)).toISOString();
  const next = { model: model.name, version: model.version, asOf: new Date(asOf).toISOString(), parts, lastActivityAt };
  const value = scoreValueAt(model, next, new Date(asOf));
  const before = state ? scoreValueAt(model, state, new Date(asOf)) : 0;
  const move: ScoreMove = {
    eventId: event.id,
    signal: event.signal,
    at: event.occurredAt,
    delta: round(value - before),
    parts: added,
  };
  const moves = [...(state?.moves ?? []), move].sort((a, b) => a.at.localeCompare(b.at)).slice(-MAX_SCORE_MOVES);
  return { ...next, value, moves };
}

/** Two customers' scores as one (a merge): parts faded to the later state and added, the latest moves of both. */
export function mergeScores(
  model: ScoreModel,
  a: ScoreState | null | undefined,
  b: ScoreState | null | undefined,
): ScoreState | undefined {
  const x = current(model, a);
  const y = current(model, b);
  if (!x || !y) return x ?? y;
  const asOf = Math.max(Date.parse(x.asOf), Date.parse(y.asOf));
  const px = fadedParts(model, x, asOf);
  const py = fadedParts(model, y, asOf);
  const parts = emptyParts();
  for (const part of SCORE_PARTS) parts[part] = px[part] + py[part];
  const lastActivityAt = x.lastActivityAt > y.lastActivityAt ? x.lastActivityAt : y.lastActivityAt;
  const next = { model: model.name, version: model.version, asOf: new Date(asOf).toISOString(), parts, lastActivityAt };
  const moves = [...x.moves, ...y.moves].sort((m, n) => m.at.localeCompare(n.at)).slice(-MAX_SCORE_MOVES);
  return { ...next, value: scoreValueAt(model, next, new Date(asOf)), moves };
}
