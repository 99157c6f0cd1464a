import { sweepExpired } from '../privacy/retention';
import type { RetentionActivities } from '../sdk/contracts/retention';

/** The retention sweep's activity (privacy/retention.ts does the deleting). */
export const sweepRetention: RetentionActivities['sweepRetention'] = (input) => sweepExpired(input);
