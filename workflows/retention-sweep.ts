import { proxyActivities } from '@temporalio/workflow';
import type { RetentionActivities, RetentionSweepInput, RetentionSweepResult } from '../sdk/contracts/retention';

const { sweepRetention } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * The daily retention sweep (a Temporal Schedule starts it, worker/retention-schedule.ts): deletes expired web
 * messages and cap slots and events past the retention. On MongoDB, TTL indexes do the same continuously; stores
 * without TTL (mongo-java-server, FerretDB) rely on this sweep alone.
 */
export async function retentionSweep(input: RetentionSweepInput): Promise<RetentionSweepResult> {
  return sweepRetention(input);
}
