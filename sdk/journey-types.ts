import type { EventOf, JourneyEvent, SignalData, SignalDefinition } from '../signals/define-signal';
import type { EligibilityResult, ProfileView, SendResult } from './contracts/journey-activities';
import type { InboxSnapshot } from './inbox';
import type { JournalSnapshot } from './journal';

/** How a run ended; also the WaymarkOutcome search attribute. */
export type Outcome = 'converted' | 'completed' | 'exited' | 'ineligible' | 'lost';

/** A duration as Temporal takes it: milliseconds or an `ms`-style string such as `'1 hour'` or `'30 days'`. */
export type Duration = string | number;

/** A MongoDB filter over the profile document, run by an activity (never in workflow code). */
export type ProfileFilter = Record<string, unknown>;

export interface SignalRoute<S extends SignalDefinition = SignalDefinition> {
  readonly signal: S;
  /**
   * The run key this event feeds. Omit to feed every open run of the journey for that customer.
   * (A method signature, so typed routes built with `on()` fit a `SignalRoute[]`.)
   */
  key?(data: SignalData<S>): string;
}

/** A signal that ends the run from any step, like the goal, but as `exited` or `lost`. Build one with `exitOn()`. */
export interface ExitRoute<S extends SignalDefinition = SignalDefinition> extends SignalRoute<S> {
  /** Only events for which this holds end the run (e.g. `status !== 'active'`); default every event. */
  when?(data: SignalData<S>): boolean;
  /** Default `exited`. */
  readonly outcome?: Extract<Outcome, 'exited' | 'lost'>;
  /** The exit reason recorded in the result and the `state` query. */
  reason(data: SignalData<S>): string;
}

export interface EntryRules {
  /**
   * `never`: one run per customer and key, ever (Temporal's workflow-id reuse policy enforces it).
   * `always`: a new run as soon as the previous one for that key has closed.
   * `{ cooldown }`: a new run only once the cooldown has passed since the previous run closed.
   */
  readonly reentry: 'never' | 'always' | { readonly cooldown: Duration };
  /**
   * How long the router remembers the goal or an exit reached for a customer and key (default 30 days), with or
   * without an open run. A trigger that happened before it starts no run; after it, the re-entry rules above apply
   * as if a run had closed then (`never` refuses, a cooldown counts from it, `always` lets a later trigger in).
   */
  readonly rememberEndsFor?: Duration;
}

export interface SendOptions {
  /** Step id for the delivery ledger; defaults to `<channel>:<template>` (+ `#n` when repeated). */
  readonly step?: string;
  /** Consent topic, e.g. `renewals`, `offers`. */
  readonly topic?: string;
  /** A legally required notice skips topic opt-outs, never a channel's hard opt-out. */
  readonly legallyRequired?: boolean;
  /** Over a frequency cap: `skip` (default) returns `capped`; `defer` waits durably and tries again. */
  readonly onCap?: 'skip' | 'defer';
  /** Another customer to send to (e.g. a dependent with a profile of their own); default the run's customer. */
  readonly recipient?: string;
  /**
   * The latest moment this message still makes sense (a function is re-evaluated on every attempt, so a moved date
   * counts). Judged when the send path takes it up: later (the run entered late, a date moved into the past, quiet
   * hours or an outage pushed it past), the step is `skipped` with the reason, in the ledger and the run's state.
   */
  readonly skipIfMissed?: DateInput | (() => DateInput);
}

/** A date as journeys give it: a `Date`, or an ISO date or date-time string. */
export type DateInput = Date | string;

/** How `sleepUntil` ended: `reached` when its timer fired; `missed` when the date had already passed. */
export type SleepOutcome = 'reached' | 'missed';

export interface JourneyDefinition<
  T extends SignalDefinition = SignalDefinition,
  G extends SignalDefinition = SignalDefinition,
> {
  readonly name: string;
  readonly version: number;
  readonly description: string;
  /** Why the customer gets this journey's messages, in their words (the "why you got this" line). */
  readonly reason?: string;
  /**
   * Cross-journey arbitration, 0 to 100 (default 0): when a journey of higher priority reached the customer on the
   * same channel within ARBITRATION_WINDOW, this journey's send is skipped (`capped`) or, with `onCap: 'defer'`,
   * deferred until the window has passed. Read by the send path (an activity), never by workflow code.
   */
  readonly priority?: number;
  /** The signal that starts a run; `key` picks the run (one run per customer and key). */
  readonly trigger: {
    readonly signal: T;
    readonly key: (data: SignalData<T>) => string;
    /** Only events for which this holds start a run, e.g. `segment.entered` of one segment; default every event. */
    readonly when?: (data: SignalData<T>) => boolean;
  };
  /** A signal that ends the run as `converted` from any step. */
  readonly goal?: SignalRoute<G>;
  /**
   * Further signals running runs receive (for waitFor, quietFor, latest, re-aimed timers). `defineJourney` adds the
   * signals of `exits` here, so routers need only read trigger, goal and listensTo.
   */
  readonly listensTo?: readonly SignalRoute[];
  /** Signals that end the run from any step (a policy lapsing, a dependent removed from the policy). */
  readonly exits?: readonly ExitRoute[];
  readonly entry?: EntryRules;
  /** Who may enter; checked at entry and by `j.requireEligible()`. */
  readonly eligibility?: (first: EventOf<T>) => ProfileFilter;
  run(j: JourneyContext, first: EventOf<T>): Promise<void>;
}

/** An experiment's arms: each arm's steps (its sends). The holdout, set in the options, runs none. */
export type ExperimentArms<A extends string> = Readonly<Record<A, () => Promise<unknown>>>;

export interface ExperimentOptions<A extends string> {
  /** Share of entries in the holdout arm, which gets no message from the experiment: 0 (none) up to below 1. */
  readonly holdout?: number;
  /** Relative weights of the arms within what the holdout leaves (default equal). */
  readonly weights?: Readonly<Partial<Record<A, number>>>;
  /** The conversion: this signal arriving after the entry (default the journey's goal). The run must receive it. */
  readonly goal?: SignalDefinition;
  /** Only a conversion within this long of the entry counts (default: any time before the run ends). */
  readonly within?: Duration;
}

export interface WaitForOptions<S extends SignalDefinition> {
  readonly where?: (data: SignalData<S>) => boolean;
}

/** What a journey author's `run` gets: every step a journey can take. */
export interface JourneyContext {
  readonly customerId: string;
  readonly key: string;
  readonly workflowId: string;
  /** Names the current step (WaymarkStep search attribute, `state` query). */
  step(name: string): void;
  /** Resolves with the first matching event received after the call, or `undefined` on timeout. */
  waitFor<S extends SignalDefinition>(
    signal: S,
    timeout: Duration,
    options?: WaitForOptions<S>,
  ): Promise<EventOf<S> | undefined>;
  /** Debounce: resolves once no `signal` event has arrived for `duration`. */
  quietFor(signal: SignalDefinition, duration: Duration): Promise<void>;
  sleep(duration: Duration): Promise<void>;
  /**
   * Sleeps until a date; a function is re-evaluated whenever an event arrives, so timers re-aim when dates move.
   * Resolves `missed` at once when the date has passed (on entry, or moved into the past while waiting; recorded in
   * the run's state), `reached` when the timer fires.
   */
  sleepUntil(when: DateInput | (() => DateInput)): Promise<SleepOutcome>;
  latest<S extends SignalDefinition>(signal: S): EventOf<S> | undefined;
  received<S extends SignalDefinition>(signal: S): readonly EventOf<S>[];
  /** Runs the journey's eligibility filter (or the one given) in MongoDB; names each failing condition. */
  checkEligibility(filter?: ProfileFilter): Promise<EligibilityResult>;
  /** As checkEligibility, but ends the run as `ineligible` naming the failing conditions. */
  requireEligible(filter?: ProfileFilter): Promise<void>;
  profile(customerId?: string): Promise<ProfileView | null>;
  /** Weighted split with a deterministic assignment (same run id → same arm), recorded in the run's state. */
  split<A extends string>(name: string, weights: Readonly<Record<A, number>>): A;
  email(template: string, data?: Record<string, unknown>, options?: SendOptions): Promise<SendResult>;
  sms(template: string, data?: Record<string, unknown>, options?: SendOptions): Promise<SendResult>;
  web(template: string, data?: Record<string, unknown>, options?: SendOptions): Promise<SendResult>;
  /**
   * An experiment: the run gets one arm (weighted, deterministic by workflow id and name, or the promoted winner for
   * runs that start after a promotion) and runs that arm's steps; the holdout runs none. Entries, conversions of the
   * goal and the arms' messages are counted per arm (`GET /v1/experiments/:name`, `waymark experiments`).
   * Resolves with the arm, `holdout` included.
   */
  experiment<A extends string>(
    name: string,
    arms: ExperimentArms<A>,
    options?: ExperimentOptions<A>,
  ): Promise<A | 'holdout'>;
  /** Ends the run now with a reason; outcome `exited` unless given (`lost` for a lapse). */
  exit(reason: string, outcome?: Extract<Outcome, 'exited' | 'lost'>): never;
  now(): Date;
}

/** Arguments of every journey workflow. The trigger event arrives as the first signal (signalWithStart). */
export interface JourneyInput {
  customerId: string;
  key: string;
  /** Set by the runtime when a run continues as new (sdk/run-journey.ts): what the next run carries on with. */
  continued?: ContinuedRun;
}

/** What a journey run carries across continue-as-new (bounded: see sdk/run-limits.ts). */
export interface ContinuedRun {
  /** The trigger that started the first run. */
  first: JourneyEvent;
  inbox: InboxSnapshot;
  /** The outcomes of the journey's SDK calls so far, to bring its code back to where it was. */
  journal: JournalSnapshot;
  state: JourneyState;
  /** Sends per `<channel>:<template>` so far: step ids go on as `#2`, `#3` (they key the delivery ledger). */
  sendCounts: Record<string, number>;
  /** The wait in flight when the run continued: when it was to wake, and a deferred send's step id. */
  resume: { wakesAt?: string; stepId?: string };
}

export interface JourneyResult {
  outcome: Outcome;
  reason?: string;
  steps: string[];
}

export interface JourneyStepRecord {
  step: string;
  at: string;
  detail?: string;
}

/** Answer of the `state` query. */
export interface JourneyState {
  journey: string;
  version: number;
  customerId: string;
  key: string;
  step: string;
  waitingFor?: string;
  wakesAt?: string;
  steps: JourneyStepRecord[];
  splits: Record<string, string>;
  outcome?: Outcome;
  reason?: string;
  /** Step records dropped from `steps` to keep it bounded (the oldest). */
  earlierSteps?: number;
  /** Times this run continued as new (a long or chatty run keeps its history short). */
  continuedAsNew?: number;
}

export type { JourneyEvent };
