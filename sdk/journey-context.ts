import type { EventOf, JourneyEvent, SignalDefinition } from '../signals/define-signal';
import { identityResolved } from '../signals/identity-resolved';
import type { EligibilityResult } from './contracts/journey-activities';
import { toDate } from './dates';
import { durationToMs, formatDuration } from './durations';
import { profileActivities } from './activity-proxies';
import { JourneyEnd } from './journey-end';
import type { JourneyRun } from './journey-run';
import type { JourneyContext, ProfileFilter } from './journey-types';
import { routesBySignal } from './routes';
import { sendStep } from './send-step';
import { assignArm } from './split';

/** Builds the `j` a journey's `run` gets, over one run's state. */
export function createJourneyContext(run: JourneyRun, first: JourneyEvent): JourneyContext {
  // Every run hears of its visitor's identification (the runtime handles it for every journey).
  const received = new Set([...routesBySignal(run.journey).keys(), identityResolved.name]);
  const assertReceived = (signal: SignalDefinition, use: string) => {
    if (!received.has(signal.name)) {
      throw new TypeError(
        `journey ${run.journey.name} v${run.journey.version} uses ${use}(${signal.name}) but does not receive that ` +
          'signal: add it to listensTo',
      );
    }
  };

  const checkEligibility = async (filter?: ProfileFilter): Promise<EligibilityResult> => {
    const conditions = filter ?? run.journey.eligibility?.(first as never) ?? {};
    if (Object.keys(conditions).length === 0) return { eligible: true, failed: [] };
    run.throwIfEnding();
    const result = await profileActivities.checkEligibility.executeWithOptions(
      { summary: `eligibility: ${Object.keys(conditions).join(', ')}` },
      [{ customerId: run.customerId, filter: conditions }],
    );
    run.throwIfEnding();
    run.tracker.record('eligibility', result.eligible ? 'eligible' : `failed: ${result.failed.join(', ')}`);
    return result;
  };

  const j: JourneyContext = {
    get customerId() {
      return run.customerId;
    },
    key: run.input.key,
    workflowId: run.workflowId,

    step(name) {
      run.throwIfEnding();
      run.tracker.enter(name);
    },

    async waitFor(signal, timeout, options) {
      assertReceived(signal, 'waitFor');
      const ms = durationToMs(timeout);
      const cursor = run.inbox.size;
      const where = options?.where;
      const match = () => run.inbox.findFrom(cursor, signal.name, where ? (e) => where(e.data as never) : undefined);
      const arrived = await run.wait(
        () => match() !== undefined,
        ms,
        `${signal.name} (up to ${formatDuration(ms)})`,
        `wait for ${signal.name} up to ${formatDuration(ms)}`,
      );
      return arrived ? (match() as EventOf<typeof signal>) : undefined;
    },

    async quietFor(signal, duration) {
      assertReceived(signal, 'quietFor');
      const ms = durationToMs(duration);
      for (;;) {
        const seen = run.inbox.countOf(signal.name);
        const changed = await run.wait(
          () => run.inbox.countOf(signal.name) !== seen,
          ms,
          `quiet: no ${signal.name} for ${formatDuration(ms)}`,
          `quiet for ${formatDuration(ms)}: restarts on ${signal.name}`,
        );
        if (!changed) return;
      }
    },

    async sleep(duration) {
      await run.sleepFor(durationToMs(duration), `sleep ${formatDuration(durationToMs(duration))}`);
    },

    async sleepUntil(when) {
      for (;;) {
        const target = toDate(typeof when === 'function' ? when() : when);
        const ms = target.getTime() - new Date().getTime();
        if (ms <= 0) {
          run.tracker.record(run.tracker.state.step, `missed: ${target.toISOString()} had passed`);
          return 'missed';
        }
        const eventsSoFar = run.inbox.size;
        // Any event may move the date (a renewal date changed): wake, re-evaluate, re-aim the timer.
        const moved = await run.wait(
          () => typeof when === 'function' && run.inbox.size !== eventsSoFar,
          ms,
          `date ${target.toISOString()}`,
          `sleep until ${target.toISOString()}`,
        );
        if (!moved) return 'reached';
      }
    },

    latest(signal) {
      return run.inbox.latest(signal.name) as EventOf<typeof signal> | undefined;
    },

    received(signal) {
      return run.inbox.all(signal.name) as EventOf<typeof signal>[];
    },

    checkEligibility,

    async requireEligible(filter) {
      const result = await checkEligibility(filter);
      if (!result.eligible) throw new JourneyEnd('ineligible', `not eligible: ${result.failed.join(', ')}`);
    },

    async profile(customerId) {
      run.throwIfEnding();
      const id = customerId ?? run.customerId;
      const profile = await profileActivities.loadProfile.executeWithOptions(
        { summary: id === run.customerId ? 'load profile' : `load profile ${id}` },
        [{ customerId: id }],
      );
      run.throwIfEnding();
      return profile;
    },

    split(name, weights) {
      const known = run.tracker.state.splits[name];
      if (known !== undefined) return known as keyof typeof weights & string;
      const arm = assignArm(run.workflowId, name, weights);
      run.tracker.state.splits[name] = arm;
      run.tracker.record(`split:${name}`, arm);
      return arm;
    },

    email: (template, data, options) => sendStep(run, 'email', template, data, options),
    sms: (template, data, options) => sendStep(run, 'sms', template, data, options),
    web: (template, data, options) => sendStep(run, 'web', template, data, options),

    exit(reason, outcome = 'exited') {
      throw new JourneyEnd(outcome, reason);
    },

    now() {
      return new Date();
    },
  };
  return j;
}
