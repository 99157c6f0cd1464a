import { proxyActivities } from '@temporalio/workflow';
import type { OutboxActivities, OutboxSweepPage } from '../sdk/contracts/routing';

/** Entries per activity call, and calls per sweep: the rest waits for the next scheduled sweep. */
export const OUTBOX_PAGE_SIZE = 100;
export const OUTBOX_PAGES_PER_SWEEP = 20;

const { sweepOutbox } = proxyActivities<OutboxActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** One sweep of the outbox (routing/outbox-sweep.ts), started by its Temporal Schedule; returns what it did. */
export async function outboxSweep(): Promise<OutboxSweepPage & { pages: number }> {
  const total = { taken: 0, routed: 0, settled: 0, failed: 0, more: false, pages: 0 };
  for (let page = 0; page < OUTBOX_PAGES_PER_SWEEP; page++) {
    const swept = await sweepOutbox({ limit: OUTBOX_PAGE_SIZE });
    total.pages += 1;
    total.taken += swept.taken;
    total.routed += swept.routed;
    total.settled += swept.settled;
    total.failed += swept.failed;
    total.more = swept.more;
    if (!swept.more) break;
  }
  return total;
}
