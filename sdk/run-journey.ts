import {
  CancellationScope,
  condition,
  continueAsNew,
  defineSignal as defineTemporalSignal,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { EventOf, JourneyEvent } from '../signals/define-signal';
import { identityResolved } from '../signals/identity-resolved';
import { createJourneyContext } from './journey-context';
import { recordRunEnd } from './run-end';
import { isJourneyEnd, JourneyEnd } from './journey-end';
import { JourneyRun } from './journey-run';
import type { ExitRoute, JourneyDefinition, JourneyInput, JourneyResult } from './journey-types';
import { journeyStateQuery } from './queries';
import { routeMatches, routesBySignal } from './routes';

/** How long a run started without its trigger (not by signal-with-start) waits for it before giving up. */
const TRIGGER_GRACE = '1 minute';

/**
 * The body of every journey workflow: receive events, check eligibility, run the journey, end with an outcome. A run
 * whose history grows past its bound while it waits continues as new (sdk/run-limits.ts), carrying its inbox,
 * journal, state, send counts and the wait in flight; the next run fast-forwards the journey to that wait.
 */
export async function runJourney(journey: JourneyDefinition, input: JourneyInput): Promise<JourneyResult> {
  const run = new JourneyRun(journey, input, workflowInfo().workflowId);
  const trigger = journey.trigger.signal.name;

  // Handlers are set before the first await, so the signal-with-start's trigger event is delivered to them.
  const routes = routesBySignal(journey);
  // Every run hears of its anonymous visitor's identification, whether or not the journey routes the signal.
  if (!routes.has(identityResolved.name)) routes.set(identityResolved.name, []);
  for (const [name, signalRoutes] of routes) {
    setHandler(defineTemporalSignal<[JourneyEvent]>(name), (event: JourneyEvent) => {
      if (name === identityResolved.name) {
        const { previousCustomerId } = (event as EventOf<typeof identityResolved>).data;
        const switched = run.switchCustomer(previousCustomerId, event.customerId);
        if (signalRoutes.length === 0) {
          if (switched) run.inbox.receive(event); // for j.waitFor(identityResolved, …)
          return;
        }
      }
      const startsRun = (role: string) => role !== 'trigger' || journey.trigger.when?.(event.data as never) !== false;
      const matching = signalRoutes.filter((r) => startsRun(r.role) && routeMatches(r.route, event.data, input.key));
      if (matching.length === 0) {
        log.info('event for another key ignored', { signal: name, eventId: event.id });
        return;
      }
      if (!run.inbox.receive(event)) return;
      if (matching.some((r) => r.role === 'trigger')) run.first ??= event;
      if (run.ending) return;
      for (const { role, route } of matching) {
        if (role === 'goal') {
          run.ending = new JourneyEnd('converted', `goal: ${name}`);
        } else if (role === 'exit') {
          const exit = route as ExitRoute;
          if (!exit.when || exit.when(event.data as never)) {
            run.ending = new JourneyEnd(exit.outcome ?? 'exited', exit.reason(event.data as never));
          }
        }
        if (run.ending) return;
      }
    });
  }
  setHandler(journeyStateQuery, () => run.tracker.state);

  if (!input.continued) {
    run.tracker.markStart();
    if (!(await condition(() => run.first !== undefined, TRIGGER_GRACE))) {
      return await finish(
        run,
        new JourneyEnd('exited', `no ${trigger} event arrived: start runs with signal-with-start`),
      );
    }
  }
  const first = run.first!;
  const j = createJourneyContext(run, first);

  let done = false;
  let failure: unknown;
  const scope = new CancellationScope();
  void scope
    .run(async () => {
      if (journey.eligibility) await j.requireEligible();
      run.tracker.enter('start');
      await journey.run(j, first as never);
    })
    .then(
      () => (done = true),
      (error: unknown) => {
        done = true;
        failure = error;
      },
    );
  await condition(() => done || run.ending !== undefined || run.continuing !== undefined);
  if (!done && !run.ending && run.continuing) {
    return continueAsNew<(input: JourneyInput) => Promise<JourneyResult>>({ ...input, continued: run.carried() });
  }
  // A goal or exit while an activity is still retrying (a provider outage) must not wait for it: cancel the step.
  if (!done) scope.cancel();

  if (isJourneyEnd(failure)) return await finish(run, failure);
  if (run.ending) return await finish(run, run.ending);
  if (failure !== undefined) throw failure;
  return await finish(run, undefined);
}

async function finish(run: JourneyRun, end: JourneyEnd | undefined): Promise<JourneyResult> {
  const outcome = end?.outcome ?? 'completed';
  run.tracker.finish(outcome, end?.reason);
  await recordRunEnd(run, outcome, end?.reason);
  return { outcome, ...(end ? { reason: end.reason } : {}), steps: run.tracker.stepNames() };
}
