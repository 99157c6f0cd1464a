import { proxyActivities } from '@temporalio/workflow';
import type { WaymarkActivities } from '../../activities';
import type { DeliveryOutcome, DeliveryRequest } from '../../activities/types';

/** The `deliver` activity as wired in activities/index.ts; the contract's signature until it is wired there. */
type DeliverActivity = WaymarkActivities extends { deliver: infer D }
  ? D
  : (request: DeliveryRequest) => Promise<DeliveryOutcome>;

/**
 * Sends: retried from 1 s backing off to 1 min, without a limit (a provider outage waits, it does not lose the
 * message); the ledger keyed by (workflow id, step id) makes each retry safe. Permanent provider errors come back as
 * `failed` or as non-retryable failures, never as endless retries.
 */
export const deliveryActivities = proxyActivities<{ deliver: DeliverActivity }>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Profile reads: short, retried the same way while MongoDB is away. */
export const profileActivities = proxyActivities<Pick<WaymarkActivities, 'checkEligibility' | 'loadProfile'>>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
