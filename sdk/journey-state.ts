import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { JourneyState, Outcome } from './journey-types';
import { MAX_STEP_RECORDS } from './run-limits';
import {
  WaymarkCustomerId,
  WaymarkJourney,
  WaymarkJourneyVersion,
  WaymarkOutcome,
  WaymarkStep,
} from './search-attributes';

/**
 * The run's visible state: the `state` query answer and the WaymarkStep / WaymarkOutcome search attributes. While a
 * continued run fast-forwards its journey (`quiet()` holds), nothing is recorded again: the state came with the run.
 */
export class JourneyStateTracker {
  readonly state: JourneyState;

  constructor(
    journey: string,
    version: number,
    customerId: string,
    key: string,
    private readonly quiet: () => boolean = () => false,
    restored?: JourneyState,
  ) {
    this.state = restored
      ? { ...restored, steps: [...restored.steps], splits: { ...restored.splits } }
      : { journey, version, customerId, key, step: 'entry', steps: [], splits: {} };
  }

  /** Sets the identity attributes the router sets at start, when a run was started some other way. */
  markStart(): void {
    const attributes = workflowInfo().typedSearchAttributes;
    const updates: SearchAttributeUpdatePair[] = [{ key: WaymarkStep, value: this.state.step }];
    if (attributes.get(WaymarkJourney) === undefined) updates.push({ key: WaymarkJourney, value: this.state.journey });
    if (attributes.get(WaymarkJourneyVersion) === undefined) {
      updates.push({ key: WaymarkJourneyVersion, value: this.state.version });
    }
    if (attributes.get(WaymarkCustomerId) === undefined) {
      updates.push({ key: WaymarkCustomerId, value: this.state.customerId });
    }
    upsertSearchAttributes(updates);
  }

  /** The customer changed by a merge (an anonymous visitor identified): state and WaymarkCustomerId follow. */
  switchCustomer(from: string, to: string): void {
    this.state.customerId = to;
    this.push('identified', `${from} is ${to}`);
    upsertSearchAttributes([{ key: WaymarkCustomerId, value: to }]);
  }

  /** Enters a step: recorded in the steps taken and shown as WaymarkStep. */
  enter(step: string, detail?: string): void {
    if (this.quiet()) return;
    this.record(step, detail);
    if (this.state.step !== step) {
      this.state.step = step;
      upsertSearchAttributes([{ key: WaymarkStep, value: step }]);
    }
  }

  /** Records something that happened within the current step (a send's outcome, a split's arm). */
  record(step: string, detail?: string): void {
    if (!this.quiet()) this.push(step, detail);
  }

  private push(step: string, detail?: string): void {
    this.state.steps.push({ step, at: new Date().toISOString(), ...(detail === undefined ? {} : { detail }) });
    if (this.state.steps.length > MAX_STEP_RECORDS) {
      this.state.steps.shift();
      this.state.earlierSteps = (this.state.earlierSteps ?? 0) + 1;
    }
  }

  waiting(waitingFor: string, wakesAt?: Date): void {
    this.state.waitingFor = waitingFor;
    if (wakesAt) this.state.wakesAt = wakesAt.toISOString();
    else delete this.state.wakesAt;
  }

  doneWaiting(): void {
    delete this.state.waitingFor;
    delete this.state.wakesAt;
  }

  finish(outcome: Outcome, reason?: string): void {
    this.doneWaiting();
    this.state.outcome = outcome;
    if (reason !== undefined) this.state.reason = reason;
    this.push(`end:${outcome}`, reason);
    upsertSearchAttributes([{ key: WaymarkOutcome, value: outcome }]);
  }

  stepNames(): string[] {
    return this.state.steps.map((s) => s.step);
  }
}
