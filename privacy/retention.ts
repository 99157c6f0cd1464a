import { EventRecord } from '../models/event';
import { FrequencySlot } from '../models/frequency-slot';
import { WebMessage } from '../models/web-message';
import type { RetentionSweepInput, RetentionSweepResult } from '../sdk/contracts/retention';

const DAY_MS = 86_400_000;

/** Deletes what has expired at `now`: web messages and cap slots past their `expiresAt`, events past the retention. */
export async function sweepExpired(input: RetentionSweepInput, now = new Date()): Promise<RetentionSweepResult> {
  const eventsBefore = new Date(now.getTime() - input.eventRetentionDays * DAY_MS);
  const [webMessages, capSlots, events] = await Promise.all([
    WebMessage.deleteMany({ expiresAt: { $lte: now } }).exec(),
    FrequencySlot.deleteMany({ expiresAt: { $lte: now } }).exec(),
    EventRecord.deleteMany({ receivedAt: { $lt: eventsBefore } }).exec(),
  ]);
  return {
    sweptAt: now.toISOString(),
    webMessages: webMessages.deletedCount,
    capSlots: capSlots.deletedCount,
    events: events.deletedCount,
  };
}

const EVENT_TTL_INDEX = 'receivedAt_retention_ttl';

/**
 * On MongoDB, a TTL index deletes events past the retention continuously (the sweep still runs: other stores ignore
 * TTL). Its expiry follows EVENT_RETENTION_DAYS: a changed setting replaces the index.
 */
export async function ensureEventRetentionIndex(eventRetentionDays: number): Promise<void> {
  const collection = EventRecord.collection;
  const expireAfterSeconds = eventRetentionDays * 86_400;
  const existing = (await collection.indexes().catch(() => [])).find((i) => i.name === EVENT_TTL_INDEX);
  if (existing && existing.expireAfterSeconds === expireAfterSeconds) return;
  if (existing) await collection.dropIndex(EVENT_TTL_INDEX);
  await collection.createIndex({ receivedAt: 1 }, { name: EVENT_TTL_INDEX, expireAfterSeconds });
}
