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
}

/** Records the event once by event id, then signal-with-starts / signals the journey runs it concerns. */
export type RouteEvent = (event: JourneyEvent) => Promise<RoutingReport>;
