import type { OutboxActivities, SweepOutbox } from '../sdk/contracts/routing';

/** The outbox sweep as an activity: routing/'s sweeper, handed in by the worker (activities do not import routing/). */
export function createOutboxActivities(deps: { sweepOutbox: SweepOutbox }): OutboxActivities {
  return { sweepOutbox: (options) => deps.sweepOutbox(options) };
}
