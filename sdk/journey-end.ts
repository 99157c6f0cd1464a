import type { Outcome } from './journey-types';

/**
 * Thrown inside a run to end it from any step (goal reached, exit, ineligible). The runtime catches it; a journey
 * author must not swallow it in a try/catch around SDK calls (rethrow it: `if (isJourneyEnd(e)) throw e`).
 */
export class JourneyEnd extends Error {
  constructor(
    readonly outcome: Outcome,
    readonly reason: string,
  ) {
    super(`journey ended: ${outcome} (${reason})`);
    this.name = 'JourneyEnd';
  }
}

export function isJourneyEnd(error: unknown): error is JourneyEnd {
  return error instanceof JourneyEnd;
}
