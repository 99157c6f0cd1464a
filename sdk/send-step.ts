import { ActivityFailure, ApplicationFailure, isCancellation, workflowInfo } from '@temporalio/workflow';
import { DELIVER_PAUSE_AFTER_FAILED_ACTIVITY_MS } from './contracts/delivery-policy';
import type { DeliveryChannel, DeliveryOutcome, DeliveryRequest, SendResult } from './contracts/journey-activities';
import { toDate } from './dates';
import { MINUTE_MS } from './durations';
import { deliveryActivities } from './activity-proxies';
import type { JourneyRun } from './journey-run';
import type { SendOptions } from './journey-types';

/**
 * One send step through the one send path (the `deliver` activity). `deferred` (quiet hours, a cap with
 * onCap=defer) is a durable timer until the window opens, then the same step id is asked again: the ledger keyed by
 * (workflow id, entry, step id) makes the retry idempotent, and a re-entry under the same workflow id sends anew.
 */
export async function sendStep(
  run: JourneyRun,
  channel: DeliveryChannel,
  template: string,
  data: Record<string, unknown> = {},
  options: SendOptions = {},
): Promise<SendResult> {
  run.throwIfEnding();
  const stepId = options.step ?? run.nextStepId(`${channel}:${template}`);
  const recipient = options.recipient;
  const to = options.recipient ? ` to ${options.recipient}` : '';
  for (;;) {
    const request: DeliveryRequest = {
      workflowId: run.workflowId,
      entryId: workflowInfo().firstExecutionRunId,
      stepId,
      journey: run.journey.name,
      journeyVersion: run.journey.version,
      ...(run.journey.reason === undefined ? {} : { reason: run.journey.reason }),
      // Read at each attempt: a deferred send goes to the known customer once an anonymous visitor identifies.
      customerId: recipient ?? run.customerId,
      channel,
      template,
      ...(options.topic === undefined ? {} : { topic: options.topic }),
      ...(options.legallyRequired ? { legallyRequired: true } : {}),
      data,
      at: new Date().toISOString(),
      onCap: options.onCap ?? 'skip',
      ...(options.skipIfMissed === undefined ? {} : { skipAfter: deadline(run, options.skipIfMissed) }),
    };
    run.tracker.waiting(`delivery of ${stepId}`);
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliveryActivities.deliver.executeWithOptions({ summary: `send ${channel} '${template}'${to}` }, [
        request,
      ]);
    } catch (error) {
      if (isPermanentFailure(error)) {
        outcome = {
          status: 'failed',
          reason: error.cause instanceof Error ? error.cause.message : 'permanent failure',
        };
      } else if (error instanceof ActivityFailure && !isCancellation(error)) {
        // Every attempt failed for another reason (the store away, workers dying): ask again later, same step id.
        const reason = error.cause instanceof Error ? error.cause.message : 'activity failed';
        const until = new Date(new Date().getTime() + DELIVER_PAUSE_AFTER_FAILED_ACTIVITY_MS);
        outcome = { status: 'deferred', reason: `delivery attempts failed: ${reason}`, until: until.toISOString() };
      } else {
        throw error;
      }
    } finally {
      run.tracker.doneWaiting();
    }
    run.throwIfEnding();
    if (outcome.status !== 'deferred') {
      run.tracker.record(stepId, outcome.reason ? `${outcome.status}: ${outcome.reason}` : outcome.status);
      return {
        status: outcome.status,
        ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
        ...(outcome.providerMessageId === undefined ? {} : { providerMessageId: outcome.providerMessageId }),
      };
    }
    const until = outcome.until ? toDate(outcome.until) : new Date(new Date().getTime() + MINUTE_MS);
    const why = outcome.reason ?? 'deferred';
    run.tracker.record(stepId, `deferred until ${until.toISOString()}: ${why}`);
    await run.sleepFor(
      until.getTime() - new Date().getTime(),
      `${why}: ${stepId} until ${until.toISOString()}`,
      `${why}: hold ${channel} '${template}' until ${until.toISOString()}`,
    );
  }
}

/** The send's own reading of its deadline (re-read on every attempt; not a journaled read of the journey's path). */
function deadline(run: JourneyRun, skipIfMissed: NonNullable<SendOptions['skipIfMissed']>): string {
  return toDate(typeof skipIfMissed === 'function' ? run.journal.internal(skipIfMissed) : skipIfMissed).toISOString();
}

function isPermanentFailure(error: unknown): error is ActivityFailure {
  return (
    error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable === true
  );
}
