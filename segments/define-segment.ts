import type { SignalData, SignalDefinition } from '../signals/define-signal';

/** A MongoDB filter over the profile document: fields, `attributes.*` (traits), `score.value`, `anonymous`, ... */
export type SegmentFilter = Record<string, unknown>;

/** "Did X at least N times in the last D days": counted from events as they arrive, kept on the profile. */
export interface BehaviourWindow<S extends SignalDefinition = SignalDefinition> {
  /** Names the condition in the profile's behaviour state (`<segment>@v<version>/<name>`). */
  readonly name: string;
  readonly signal: S;
  readonly atLeast: number;
  readonly withinDays: number;
  /** Only events for which this holds count, e.g. one product category. */
  where?(data: SignalData<S>): boolean;
}

export interface SegmentDefinition {
  /** kebab-case; what `segment.entered` / `segment.exited` carry and the API lists. */
  readonly name: string;
  /** Versions work as journeys' do: the newest version of a name decides membership from when it ships. */
  readonly version: number;
  readonly description: string;
  /** Who is in: every condition of the filter holds (MongoDB semantics)... */
  readonly filter: SegmentFilter;
  /** ...and every behaviour window holds. */
  readonly behaviour?: readonly BehaviourWindow[];
}

/** A typed behaviour window: `behaviourWindow(productViewed, { name: 'views', atLeast: 3, withinDays: 7 })`. */
export function behaviourWindow<S extends SignalDefinition>(
  signal: S,
  options: { name: string; atLeast: number; withinDays: number; where?: (data: SignalData<S>) => boolean },
): BehaviourWindow<S> {
  return { signal, ...options };
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Checks a segment once, where it is defined. */
export function defineSegment(definition: SegmentDefinition): SegmentDefinition {
  const where = `segment ${definition.name}`;
  if (!KEBAB.test(definition.name)) throw new TypeError(`${where}: the name must be kebab-case, e.g. window-shoppers`);
  if (!Number.isInteger(definition.version) || definition.version < 1) {
    throw new TypeError(`${where}: version must be a positive integer`);
  }
  const names = new Set<string>();
  for (const window of definition.behaviour ?? []) {
    if (!KEBAB.test(window.name) || names.has(window.name)) {
      throw new TypeError(`${where}: behaviour window names must be kebab-case and unique ('${window.name}')`);
    }
    names.add(window.name);
    if (!Number.isInteger(window.atLeast) || window.atLeast < 1 || window.atLeast > 100) {
      throw new TypeError(`${where}: ${window.name}.atLeast must be an integer from 1 to 100`);
    }
    if (!(window.withinDays > 0) || window.withinDays > 366) {
      throw new TypeError(`${where}: ${window.name}.withinDays must be more than 0 and at most 366`);
    }
  }
  return Object.freeze({ ...definition });
}

/** The key of a behaviour window in the profile's behaviour state. */
export function behaviourKey(segment: SegmentDefinition, window: BehaviourWindow): string {
  return `${segment.name}@v${segment.version}/${window.name}`;
}

/** The newest version of each segment: the ones that decide membership. */
export function newestSegments(catalog: readonly SegmentDefinition[]): SegmentDefinition[] {
  const newest = new Map<string, SegmentDefinition>();
  for (const segment of catalog) {
    const current = newest.get(segment.name);
    if (!current || segment.version > current.version) newest.set(segment.name, segment);
  }
  return [...newest.values()];
}
