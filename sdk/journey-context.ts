import type { EventOf, JourneyEvent, SignalDefinition } from '../signals/define-signal';
import { identityResolved } from '../signals/identity-resolved';
import type { EligibilityResult } from './contracts/journey-activities';
import { toDate } from './dates';
import { durationToMs, formatDuration } from './durations';
import { runExperiment } from './experiment';
import { profileActivities } from './activity-proxies';
import { JourneyEnd } from './journey-end';
import type { JourneyRun } from './journey-run';
import type { JourneyContext, ProfileFilter, SleepOutcome } from './journey-types';
import { manyEvents, oneEvent } from './journal';
import { routesBySignal } from './routes';
import { sendStep } from './send-step';
import { assignArm } from './split';

/**
 * Builds the `j` a journey's `run` gets, over one run's state. Every call that waits, acts or reads is journaled
 * (sdk/journal.ts), so a run that continued as new brings the journey's code back to where it was.
 */
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
  const { journal } = run;
  /** An operation of the journey's path: the run's ending is checked first, also while fast-forwarding. */
  const op = <T>(name: string, live: () => Promise<T>, codec?: Parameters<typeof journal.op<T>>[2]) => {
    run.throwIfEnding();
    return journal.op(name, live, codec);
  };

  const checkEligibility = (filter?: ProfileFilter): Promise<EligibilityResult> =>
    op('eligibility', async () => {
      const conditions = filter ?? run.journey.eligibility?.(first as never) ?? {};
      if (Object.keys(conditions).length === 0) return { eligible: true, failed: [] };
      const result = await profileActivities.checkEligibility.executeWithOptions(
        { summary: `eligibility: ${Object.keys(conditions).join(', ')}` },
        [{ customerId: run.customerId, filter: conditions }],
      );
      run.throwIfEnding();
      run.tracker.record('eligibility', result.eligible ? 'eligible' : `failed: ${result.failed.join(', ')}`);
      return result;
    });

  const j: JourneyContext = {
    get customerId() {
      // Journaled: an anonymous visitor who identified later must not take another branch when the code fast-forwards.
      return journal.read('customerId', () => run.customerId);
    },
    key: run.input.key,
    workflowId: run.workflowId,

    step(name) {
      run.throwIfEnding();
      run.tracker.enter(name);
    },

    waitFor(signal, timeout, options) {
      assertReceived(signal, 'waitFor');
      const live = async () => {
        const ms = durationToMs(timeout);
        const where = options?.where;
        let match: JourneyEvent | undefined;
        const stop = run.inbox.onReceive((event) => {
          if (!match && event.signal === signal.name && (!where || where(event.data as never))) match = event;
        });
        try {
          const arrived = await run.wait(
            () => match !== undefined,
            ms,
            `${signal.name} (up to ${formatDuration(ms)})`,
            `wait for ${signal.name} up to ${formatDuration(ms)}`,
          );
          return arrived ? match : undefined;
        } finally {
          stop();
        }
      };
      return op('waitFor', live, oneEvent) as Promise<EventOf<typeof signal> | undefined>;
    },

    quietFor(signal, duration) {
      assertReceived(signal, 'quietFor');
      return op('quietFor', async () => {
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
      });
    },

    sleep(duration) {
      return op('sleep', () => run.sleepFor(durationToMs(duration), `sleep ${formatDuration(durationToMs(duration))}`));
    },

    sleepUntil(when) {
      return op('sleepUntil', async (): Promise<SleepOutcome> => {
        for (;;) {
          const target = toDate(typeof when === 'function' ? journal.internal(when) : when);
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
      });
    },

    latest(signal) {
      return journal.read('latest', () => run.inbox.latest(signal.name), oneEvent) as
        EventOf<typeof signal> | undefined;
    },

    received(signal) {
      return journal.read('received', () => run.inbox.all(signal.name), manyEvents) as EventOf<typeof signal>[];
    },

    checkEligibility,

    async requireEligible(filter) {
      const result = await checkEligibility(filter);
      if (!result.eligible) throw new JourneyEnd('ineligible', `not eligible: ${result.failed.join(', ')}`);
    },

    profile(customerId) {
      return op('profile', async () => {
        const id = customerId ?? run.customerId;
        const profile = await profileActivities.loadProfile.executeWithOptions(
          { summary: id === run.customerId ? 'load profile' : `load profile ${id}` },
          [{ customerId: id }],
        );
        run.throwIfEnding();
        return profile;
      });
    },

    split(name, weights) {
      const known = run.tracker.state.splits[name];
      if (known !== undefined) return known as keyof typeof weights & string;
      const arm = assignArm(run.workflowId, name, weights);
      run.tracker.state.splits[name] = arm;
      run.tracker.record(`split:${name}`, arm);
      return arm;
    },

    experiment: (name, arms, options = {}) => runExperiment(run, name, arms, options),

    email: (template, data, options) => op('send', () => sendStep(run, 'email', template, data, options)),
    sms: (template, data, options) => op('send', () => sendStep(run, 'sms', template, data, options)),
    web: (template, data, options) => op('send', () => sendStep(run, 'web', template, data, options)),

    exit(reason, outcome = 'exited') {
      throw new JourneyEnd(outcome, reason);
    },

    now() {
      return new Date(journal.read('now', () => new Date().toISOString()));
    },
  };
  return j;
}
