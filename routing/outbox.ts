import type { JourneyEvent } from '../signals/define-signal';
import { isDuplicateKey } from '../models/mongo-errors';
import { OutboxEntry } from '../models/outbox';
import { MINUTE_MS, SECOND_MS } from '../sdk/durations';
import type { UpkeepResult } from './segment-upkeep';

/** How long a router holds an event it is routing before the sweeper may take it (a crashed router's lease runs out). */
export const ROUTING_LEASE_MS = MINUTE_MS;
/**
 * How long one routing attempt may take before it gives up and leaves the event to the sweeper: a caller waits this
 * long at most when Temporal is away (its client would otherwise retry for about 20 s). Routing normally takes
 * milliseconds; a timed-out attempt may have reached runs, which a retry accounts for (routing/journey-entry.ts).
 */
export const ROUTING_DEADLINE_MS = 5 * SECOND_MS;
/** The longest a failing event waits between two routing attempts. */
const MAX_RETRY_DELAY_MS = 5 * MINUTE_MS;

/** Writes the outbox entry under the router's lease; false when one exists (another copy holds it). */
export async function claimOutbox(key: string, event: JourneyEvent): Promise<boolean> {
  try {
    await OutboxEntry.create({ _id: key, event, leaseUntil: new Date(Date.now() + ROUTING_LEASE_MS) });
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** Routing finished (or was not needed): the entry goes. */
export async function finishOutbox(key: string): Promise<void> {
  await OutboxEntry.deleteOne({ _id: key }).exec();
}

/**
 * Routing failed: the sweeper may take it again after a delay that doubles with each failure (1 s … 5 min). The
 * customer upkeep already done for it is kept, so a retry does not count the event twice in the score.
 */
export async function releaseOutbox(key: string, reason: string, upkeep?: UpkeepResult): Promise<void> {
  const entry = await OutboxEntry.findById(key, { failures: 1 }).lean<{ failures?: number }>();
  const failures = (entry?.failures ?? 0) + 1;
  const delay = Math.min(SECOND_MS * 2 ** (failures - 1), MAX_RETRY_DELAY_MS);
  await OutboxEntry.updateOne(
    { _id: key },
    {
      $set: {
        leaseUntil: new Date(Date.now() + delay),
        lastError: reason.slice(0, 500),
        failures,
        ...(upkeep ? { upkeep } : {}),
      },
    },
  ).exec();
}

/** Takes an entry whose lease ran out: a conditional update on the lease it saw, so one sweeper wins it. */
export async function takeOutboxEntry(key: string, leaseSeen: Date): Promise<boolean> {
  const taken = await OutboxEntry.updateOne(
    { _id: key, leaseUntil: leaseSeen },
    { $set: { leaseUntil: new Date(Date.now() + ROUTING_LEASE_MS) } },
  ).exec();
  return taken.modifiedCount === 1;
}
