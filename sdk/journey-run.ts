import { condition, workflowInfo } from '@temporalio/workflow';
import type { JourneyEvent } from '../signals/define-signal';
import { formatDuration } from './durations';
import { Inbox } from './inbox';
import type { JourneyEnd } from './journey-end';
import type { ContinuedRun, JourneyDefinition, JourneyInput } from './journey-types';
import { JourneyStateTracker } from './journey-state';
import { Journal } from './journal';
import { CONTINUE_AS_NEW_AFTER_BYTES, CONTINUE_AS_NEW_AFTER_EVENTS } from './run-limits';

/** Everything one run holds: its definition, input, inbox of events, journal, visible state and how it is ending. */
export class JourneyRun {
  readonly inbox: Inbox;
  readonly journal: Journal;
  readonly tracker: JourneyStateTracker;
  /** Set by a goal or exit signal; every wait and send checks it and ends the run from whatever step it is in. */
  ending: JourneyEnd | undefined;
  /** Whom the run is for: the input's customer until an anonymous visitor identifies (then the known customer). */
  customerId: string;
  /** Set when a wait hands the run over to continue-as-new: what the next run resumes with. */
  continuing: ContinuedRun['resume'] | undefined;
  /** The trigger that started the run (carried across continue-as-new). */
  first: JourneyEvent | undefined;
  private readonly sendCounts: Map<string, number>;
  /** The wait and send a continued run resumes live, right after fast-forwarding. */
  private resume: ContinuedRun['resume'] | undefined;
  /** The step id the send in flight took (a deferred send that continues as new keeps it). */
  private sendStepInFlight: string | undefined;

  constructor(
    readonly journey: JourneyDefinition,
    readonly input: JourneyInput,
    readonly workflowId: string,
  ) {
    const carried = input.continued;
    this.inbox = new Inbox(carried?.inbox);
    this.journal = new Journal(carried?.journal);
    this.tracker = new JourneyStateTracker(
      journey.name,
      journey.version,
      input.customerId,
      input.key,
      () => this.journal.replaying,
      carried && { ...carried.state, continuedAsNew: (carried.state.continuedAsNew ?? 0) + 1 },
    );
    this.sendCounts = new Map(Object.entries(carried?.sendCounts ?? {}));
    this.first = carried?.first;
    this.resume = carried?.resume;
    // A visitor identified in an earlier run of this chain: the state carries the known customer.
    this.customerId = carried?.state.customerId ?? input.customerId;
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

  /**
   * `<channel>:<template>`, then `#2`, `#3`, … on repeats: stable across replays because workflow code is, and across
   * continue-as-new because the counts travel with the run (a send resumed after it keeps its step id).
   */
  nextStepId(base: string): string {
    const resumed = this.resumedOp() ? this.resume?.stepId : undefined;
    if (this.resume) delete this.resume.stepId;
    if (resumed !== undefined) {
      this.sendStepInFlight = resumed;
      return resumed;
    }
    const n = (this.sendCounts.get(base) ?? 0) + 1;
    this.sendCounts.set(base, n);
    this.sendStepInFlight = n === 1 ? base : `${base}#${n}`;
    return this.sendStepInFlight;
  }

  /**
   * Waits until `ready()` holds, the run is ending, or `timeoutMs` passes (a durable timer with `summary`).
   * Returns whether `ready()` held; throws the run's ending (goal, exit) instead of returning. When the run's history
   * has grown past its bound (sdk/run-limits.ts) while it waits, the wait hands the run over to continue-as-new and
   * never returns: the next run resumes it, to the same deadline.
   */
  async wait(
    ready: () => boolean,
    timeoutMs: number | undefined,
    waitingFor: string,
    summary: string,
  ): Promise<boolean> {
    this.throwIfEnding();
    const resumeAt = this.takeResumeDeadline();
    if (ready()) return true;
    const ms = resumeAt === undefined || timeoutMs === undefined ? timeoutMs : resumeAt - new Date().getTime();
    if (ms !== undefined && ms <= 0) return false;
    const wakesAt = ms === undefined ? undefined : new Date(new Date().getTime() + ms);
    this.tracker.waiting(waitingFor, wakesAt);
    try {
      const settled = () => ready() || this.ending !== undefined || this.historyFull();
      const fired = ms === undefined ? (await condition(settled), true) : await condition(settled, ms, { summary });
      this.throwIfEnding();
      if (fired && !ready() && this.historyFull()) {
        const pendingSend = this.journal.pendingOp() === 'send' ? this.sendStepInFlight : undefined;
        this.continuing = {
          ...(wakesAt ? { wakesAt: wakesAt.toISOString() } : {}),
          ...(pendingSend ? { stepId: pendingSend } : {}),
        };
        return new Promise<never>(() => undefined);
      }
      return fired;
    } finally {
      this.tracker.doneWaiting();
    }
  }

  /** A durable sleep that still ends early on the goal or an exit. */
  async sleepFor(ms: number, waitingFor: string, summary?: string): Promise<void> {
    await this.wait(() => false, ms, waitingFor, summary ?? `sleep ${formatDuration(ms)}`);
  }

  /** What the next run needs to carry on (called once `continuing` is set). */
  carried(): ContinuedRun {
    const state = { ...this.tracker.state };
    delete state.waitingFor;
    delete state.wakesAt;
    return {
      first: this.first!,
      inbox: this.inbox.snapshot(),
      journal: this.journal.snapshot(),
      state,
      sendCounts: Object.fromEntries(this.sendCounts),
      resume: this.continuing ?? {},
    };
  }

  /**
   * Whether to continue as new now: only while the journey waits with nothing else in flight (so no activity, timer
   * or send is cut off), once Temporal suggests it or the history passes its bound.
   */
  private historyFull(): boolean {
    if (this.journal.inFlight !== 1) return false;
    const info = workflowInfo();
    return (
      info.continueAsNewSuggested ||
      info.historyLength >= CONTINUE_AS_NEW_AFTER_EVENTS ||
      info.historySize >= CONTINUE_AS_NEW_AFTER_BYTES
    );
  }

  /** Whether the operation running now is the one a continued run resumes (its first live one). */
  private resumedOp(): boolean {
    return this.resume !== undefined && this.journal.liveStarted === 1;
  }

  /** The deadline of the wait a continued run resumes: its first wait, in its first live operation. */
  private takeResumeDeadline(): number | undefined {
    const wakesAt = this.resumedOp() ? this.resume?.wakesAt : undefined;
    if (this.resume) delete this.resume.wakesAt;
    return wakesAt === undefined ? undefined : Date.parse(wakesAt);
  }
}
