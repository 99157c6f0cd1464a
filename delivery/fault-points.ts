/** Points of the send path where the fault suite (test/faults) kills the worker. */
export const FAULT_POINTS = ['after-claim', 'call-started', 'after-accept'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export interface FaultKill {
  point: FaultPoint;
  /** Killed the n-th time the point is passed (1 = the first). */
  nth: number;
  /** After a random delay up to this (ms): `call-started` with a delay lands during the provider call. */
  maxDelayMs: number;
}

/** Reads WAYMARK_FAULT_KILL (`<point>:<n>[:<maxDelayMs>]`); undefined when unset. Throws on anything else. */
export function parseFaultKill(spec: string | undefined): FaultKill | undefined {
  if (spec === undefined || spec.trim() === '') return undefined;
  const [point, nth, maxDelayMs = '0', ...rest] = spec.trim().split(':');
  const fault = { point: point as FaultPoint, nth: Number(nth), maxDelayMs: Number(maxDelayMs) };
  const valid =
    FAULT_POINTS.includes(fault.point) &&
    Number.isInteger(fault.nth) &&
    fault.nth >= 1 &&
    Number.isInteger(fault.maxDelayMs) &&
    fault.maxDelayMs >= 0 &&
    rest.length === 0;
  if (!valid) {
    throw new Error(`WAYMARK_FAULT_KILL: cannot read '${spec}' (want <${FAULT_POINTS.join('|')}>:<n>[:<maxDelayMs>])`);
  }
  return fault;
}

/**
 * The fault suite's kill switch: returns the function the send path calls at each fault point. Without a fault
 * (production) it does nothing. With one, the process SIGKILLs itself, by its own pid, the n-th time the point is
 * passed: no exit handlers, no flush, exactly as a crashed or OOM-killed worker dies.
 */
export function faultPoints(fault: FaultKill | undefined): (point: FaultPoint) => void {
  if (!fault) return () => undefined;
  let passes = 0;
  return (point) => {
    if (point !== fault.point || ++passes !== fault.nth) return;
    const kill = () => process.kill(process.pid, 'SIGKILL');
    if (fault.maxDelayMs === 0) kill();
    else setTimeout(kill, Math.floor(Math.random() * fault.maxDelayMs));
  };
}
