import { proxyActivities } from '@temporalio/workflow';
import type { JourneyActivities } from './contracts/journey-activities';

/**
 * Sends: retried from 1 s backing off to 1 min, without a limit (a provider outage waits, it does not lose the
 * message); the ledger keyed by (workflow id, step id) makes each retry safe. Permanent provider errors come back as
 * `failed` or as non-retryable failures, never as endless retries.
 */
export const deliveryActivities = proxyActivities<Pick<JourneyActivities, 'deliver'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Profile reads: short, retried the same way while MongoDB is away. */
export const profileActivities = proxyActivities<Pick<JourneyActivities, 'checkEligibility' | 'loadProfile'>>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
