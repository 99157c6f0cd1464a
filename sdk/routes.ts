import type { SignalData, SignalDefinition } from '../signals/define-signal';
import type { ExitRoute, JourneyDefinition, Outcome, SignalRoute } from './journey-types';

/** A typed route for `listensTo` (or `goal`): `on(policyChanged, (d) => d.policyId)`. */
export function on<S extends SignalDefinition>(signal: S, key?: (data: SignalData<S>) => string): SignalRoute<S> {
  return key ? { signal, key } : { signal };
}

/** A typed exit route: `exitOn(policyChanged, { key, when: (d) => d.status !== 'active', outcome: 'lost', reason })`. */
export function exitOn<S extends SignalDefinition>(
  signal: S,
  options: {
    key?: (data: SignalData<S>) => string;
    when?: (data: SignalData<S>) => boolean;
    outcome?: Extract<Outcome, 'exited' | 'lost'>;
    reason: string | ((data: SignalData<S>) => string);
  },
): ExitRoute<S> {
  const { reason } = options;
  return {
    signal,
    ...(options.key ? { key: options.key } : {}),
    ...(options.when ? { when: options.when } : {}),
    ...(options.outcome ? { outcome: options.outcome } : {}),
    reason: typeof reason === 'string' ? () => reason : reason,
  };
}

/** What a signal means to one run of a journey. */
export type RouteRole = 'trigger' | 'goal' | 'listen' | 'exit';

export interface RoleRoute {
  readonly role: RouteRole;
  readonly route: SignalRoute | ExitRoute;
}

/** Signal name → its routes in this journey: the runtime registers one handler per name from this. */
export function routesBySignal(journey: JourneyDefinition): Map<string, RoleRoute[]> {
  const map = new Map<string, RoleRoute[]>();
  const add = (role: RouteRole, route: SignalRoute | ExitRoute) => {
    const list = map.get(route.signal.name) ?? [];
    list.push({ role, route });
    map.set(route.signal.name, list);
  };
  add('trigger', journey.trigger as SignalRoute);
  if (journey.goal) add('goal', journey.goal);
  for (const route of journey.exits ?? []) add('exit', route);
  const exitSignals = new Set((journey.exits ?? []).map((r) => r.signal.name));
  for (const route of journey.listensTo ?? []) {
    // defineJourney copies exits into listensTo for routers; they are handled as exits (and kept as events).
    if (!exitSignals.has(route.signal.name)) add('listen', route);
  }
  return map;
}

/** Whether an event belongs to this run under a route: no key function means every run of the customer. */
export function routeMatches(route: SignalRoute, data: unknown, runKey: string): boolean {
  if (!route.key) return true;
  try {
    return route.key(data as never) === runKey;
  } catch {
    return false;
  }
}
