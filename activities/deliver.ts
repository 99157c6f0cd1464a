import { ApplicationFailure } from '@temporalio/common';
import {
  createSendPath,
  InvalidDeliveryRequest,
  TransientProviderError,
  type SendPathDeps,
} from '../delivery/send-path';
import type { JourneyActivities } from '../sdk/contracts/journey-activities';

/** The ApplicationFailure type of a transient provider error; Temporal retries it with the activity's backoff. */
export const TRANSIENT_PROVIDER_ERROR = 'ProviderTransientError';

/**
 * The `deliver` activity: the send path (delivery/send-path.ts), with its failures in Temporal's terms. A transient
 * provider error is retried with the activity's backoff; a request the send path cannot judge fails for good.
 */
export function createDeliver(deps: SendPathDeps): JourneyActivities['deliver'] {
  const send = createSendPath(deps);
  return async function deliver(request) {
    try {
      return await send(request);
    } catch (error) {
      if (error instanceof TransientProviderError) {
        throw ApplicationFailure.retryable(error.message, TRANSIENT_PROVIDER_ERROR);
      }
      if (error instanceof InvalidDeliveryRequest) throw ApplicationFailure.nonRetryable(error.message, error.name);
      throw error;
    }
  };
}
