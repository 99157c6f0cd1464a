import { condition } from '@temporalio/workflow';
import { formatDuration } from './durations';
import { Inbox } from './inbox';
import type { JourneyEnd } from './journey-end';
import type { JourneyDefinition, JourneyInput } from './journey-types';
import { JourneyStateTracker } from './journey-state';

/** Everything one run holds: its definition, input, inbox of events, visible state and how it is ending. */
export class JourneyRun {
  readonly inbox = new Inbox();
  readonly tracker: JourneyStateTracker;
  /** Set by a goal or exit signal; every wait and send checks it and ends the run from whatever step it is in. */
  ending: JourneyEnd | undefined;
  /** Whom the run is for: the input's customer until an anonymous visitor identifies (then the known customer). */
  customerId: string;
  private readonly sendCounts = new Map<string, number>();

  constructor(
    readonly journey: JourneyDefinition,
    readonly input: JourneyInput,
    readonly workflowId: string,
  ) {
    this.customerId = input.customerId;
    this.tracker = new JourneyStateTracker(journey.name, journey.version, input.customerId, input.key);
  }

  /**
   * The run's anonymous visitor was merged into a known customer: from now on it is that customer's run (sends,
   * profile reads, eligibility, the WaymarkCustomerId search attribute), under the same workflow id. Returns false
   * when the merge concerns another customer (a run already switched, or one of a different profile).
   */
  switchCustomer(from: string, to: string): boolean {
    if (from !== this.customerId || from === to) return false;
    this.customerId = to;
    this.tracker.switchCustomer(from, to);
    return true;
  }

  throwIfEnding(): void {
    if (this.ending) throw this.ending;
  }

  /** `<channel>:<template>`, then `#2`, `#3`, … on repeats: stable across replays because workflow code is. */
  nextStepId(base: string): string {
    const n = (this.sendCounts.get(base) ?? 0) + 1;
    this.sendCounts.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  }

  /**
   * Waits until `ready()` holds, the run is ending, or `timeoutMs` passes (a durable timer with `summary`).
   * Returns whether `ready()` held; throws the run's ending (goal, exit) instead of returning.
   */
  async wait(
    ready: () => boolean,
    timeoutMs: number | undefined,
    waitingFor: string,
    summary: string,
  ): Promise<boolean> {
    this.throwIfEnding();
    if (ready()) return true;
    if (timeoutMs !== undefined && timeoutMs <= 0) return false;
    const wakesAt = timeoutMs === undefined ? undefined : new Date(new Date().getTime() + timeoutMs);
    this.tracker.waiting(waitingFor, wakesAt);
    try {
      const settled = () => ready() || this.ending !== undefined;
      const fired =
        timeoutMs === undefined ? (await condition(settled), true) : await condition(settled, timeoutMs, { summary });
      this.throwIfEnding();
      return fired;
    } finally {
      this.tracker.doneWaiting();
    }
  }

  /** A durable sleep that still ends early on the goal or an exit. */
  async sleepFor(ms: number, waitingFor: string, summary?: string): Promise<void> {
    await this.wait(() => false, ms, waitingFor, summary ?? `sleep ${formatDuration(ms)}`);
  }
}
