// How an event reaches journey runs: the contract between routing/ (which implements it) and whoever is handed the
// router (the API's routes, the audience activities the worker wires it into). Types only.
import type { JourneyEvent } from '../../signals/define-signal';

export interface RoutedRun {
  journey: string;
  workflowId: string;
  /** The run that got the event (entered / signalled). */
  runId?: string;
  /** entered: signal-with-start (a new run, or the open run under that id got the event). */
  action: 'entered' | 'signalled' | 'skipped';
  reason?: string;
}

export interface RoutingReport {
  eventId: string;
  duplicate: boolean;
  started: number;
  signalled: number;
  runs: RoutedRun[];
  /** Segments the event moved the customer into or out of (segment.entered / segment.exited were routed too). */
  segments?: Array<{ segment: string; change: 'entered' | 'exited' }>;
  /** Set when routing has not happened yet: the event is recorded and the outbox sweeper routes it (why, in words). */
  queued?: string;
}

/** Records the event once by event id, then signal-with-starts / signals the journey runs it concerns. */
export type RouteEvent = (event: JourneyEvent) => Promise<RoutingReport>;

/** One pass of the outbox sweeper over events recorded and not routed (routing/outbox-sweep.ts). */
export interface OutboxSweepPage {
  /** Entries whose lease had run out and this pass took. */
  taken: number;
  /** Routed now. */
  routed: number;
  /** Found routed already (a crash after routing, before the outbox entry was removed) or superseded: removed. */
  settled: number;
  /** Routing failed again: back in the outbox with a longer lease. */
  failed: number;
  /** The page was full: more entries may be due. */
  more: boolean;
}

export type SweepOutbox = (options: { limit: number }) => Promise<OutboxSweepPage>;

/** The activity the `outboxSweep` system workflow calls (activities/ wires routing/'s sweeper into it). */
export interface OutboxActivities {
  sweepOutbox: SweepOutbox;
}
