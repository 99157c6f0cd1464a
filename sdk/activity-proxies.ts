import { proxyActivities } from '@temporalio/workflow';
import {
  DELIVER_HEARTBEAT_TIMEOUT_MS,
  DELIVER_MAX_ATTEMPTS,
  DELIVER_START_TO_CLOSE_MS,
} from './contracts/delivery-policy';
import type { JourneyActivities } from './contracts/journey-activities';

/**
 * Sends: retried from 1 s backing off to 1 min, at most DELIVER_MAX_ATTEMPTS times; the last attempt turns a
 * provider still out into a deferral (a durable timer in the workflow), so an outage never loses the message and
 * never runs retries without end. The ledger keyed by (run entry, step id) makes each retry safe. Heartbeats: a
 * dead worker's attempt is retried after 15 s, and cancellation (a goal or exit mid-send) reaches the attempt.
 * Permanent provider errors come back as `failed` or as non-retryable failures.
 */
export const deliveryActivities = proxyActivities<Pick<JourneyActivities, 'deliver'>>({
  startToCloseTimeout: DELIVER_START_TO_CLOSE_MS,
  heartbeatTimeout: DELIVER_HEARTBEAT_TIMEOUT_MS,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: DELIVER_MAX_ATTEMPTS,
  },
});

/** Profile reads: short, retried the same way while MongoDB is away. */
export const profileActivities = proxyActivities<Pick<JourneyActivities, 'checkEligibility' | 'loadProfile'>>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
