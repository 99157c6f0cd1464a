import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import {
  createSendPath,
  InvalidDeliveryRequest,
  TransientProviderError,
  type SendPathDeps,
} from '../delivery/send-path';
import { DELIVER_HEARTBEAT_EVERY_MS, DELIVER_MAX_ATTEMPTS } from '../sdk/contracts/delivery-policy';
import type { DeliveryRequest, JourneyActivities } from '../sdk/contracts/journey-activities';

/** The ApplicationFailure type of a transient provider error; Temporal retries it with the activity's backoff. */
export const TRANSIENT_PROVIDER_ERROR = 'ProviderTransientError';

/** The send path's failures in Temporal's terms: transient ones retried with backoff, bad requests failed for good. */
export function asActivityFailure(error: unknown): unknown {
  if (error instanceof TransientProviderError)
    return ApplicationFailure.retryable(error.message, TRANSIENT_PROVIDER_ERROR);
  if (error instanceof InvalidDeliveryRequest) return ApplicationFailure.nonRetryable(error.message, error.name);
  return error;
}

/**
 * The attempt's own time: the latest of the workflow's ask, the Temporal server's clock when it scheduled this
 * attempt, and this machine's clock. In production the last one wins (a retry after an outage is judged when it
 * runs); on the time-skipping test server, whose clock runs ahead, the server's schedule time does (for a retry it
 * reports when the previous attempt failed: judged up to one backoff interval early there).
 */
export function attemptTime(request: DeliveryRequest, scheduledMs: number | undefined, nowMs = Date.now()): Date {
  const asked = Date.parse(request.at);
  return new Date(Math.max(nowMs, scheduledMs ?? 0, Number.isNaN(asked) ? 0 : asked));
}

/**
 * The `deliver` activity: the send path (delivery/send-path.ts) judged at the attempt's own time, heartbeating while
 * it works (a dead worker's attempt is retried after the heartbeat timeout; cancellation arrives with the heartbeat's
 * answer and aborts the provider call), the last attempt allowed by the retry policy told so.
 */
export function createDeliver(deps: SendPathDeps): JourneyActivities['deliver'] {
  const send = createSendPath(deps);
  return async function deliver(request) {
    const context = Context.current();
    const { info } = context;
    const heartbeat = setInterval(() => context.heartbeat(), DELIVER_HEARTBEAT_EVERY_MS);
    try {
      return await send(request, {
        at: attemptTime(request, info.currentAttemptScheduledTimestampMs),
        signal: context.cancellationSignal,
        last: info.attempt >= DELIVER_MAX_ATTEMPTS,
      });
    } catch (error) {
      throw asActivityFailure(error);
    } finally {
      clearInterval(heartbeat);
    }
  };
}
