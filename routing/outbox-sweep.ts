import type { JourneyEvent } from '../signals/define-signal';
import type { OutboxSweepPage, SweepOutbox } from '../sdk/contracts/routing';
import { EventRecord } from '../models/event';
import { isDuplicateKey } from '../models/mongo-errors';
import { OutboxEntry } from '../models/outbox';
import { payloadHash } from './event-identity';
import { finishOutbox, releaseOutbox, takeOutboxEntry } from './outbox';
import { recordEvent, routeRecorded } from './event-router';
import type { RouterDeps } from './router-deps';
import type { UpkeepResult } from './segment-upkeep';

interface DueEntry {
  _id: string;
  event: JourneyEvent;
  upkeep?: UpkeepResult;
  leaseUntil: Date;
  recordedAt: Date;
}

/**
 * One entry whose router crashed or failed: record the event if the crash came before its record, then route it as a
 * retry (a run that was open when it was recorded and has closed since held it: no second run; an open run drops an
 * event id it holds). A routed or superseded copy only clears the entry.
 */
async function routeEntry(deps: RouterDeps, entry: DueEntry): Promise<'routed' | 'settled' | 'failed'> {
  let record = await EventRecord.findById(entry._id, { payloadHash: 1, routedAt: 1, receivedAt: 1 }).lean();
  if (!record) {
    try {
      await recordEvent(entry._id, entry.event);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    record = await EventRecord.findById(entry._id, { payloadHash: 1, routedAt: 1, receivedAt: 1 }).lean();
  }
  if (!record || record.routedAt || record.payloadHash !== payloadHash(entry.event)) {
    await finishOutbox(entry._id);
    return 'settled';
  }
  const recordedAt = new Date(Math.min(entry.recordedAt.getTime(), record.receivedAt.getTime()));
  const report = await routeRecorded(deps, entry._id, entry.event, {
    retryOfEventRecordedAt: recordedAt,
    ...(entry.upkeep ? { upkeep: entry.upkeep } : {}),
  });
  return report.queued ? 'failed' : 'routed';
}

/**
 * The outbox sweeper: routes events recorded and not routed (a router crashed, or Temporal was away), oldest lease
 * first, until they are. Each entry is taken by a conditional update of its lease, so sweeps that overlap never route
 * one twice. Run by the `outboxSweep` system workflow on a Temporal Schedule (worker/schedules.ts).
 */
export function createOutboxSweeper(deps: RouterDeps): SweepOutbox {
  return async ({ limit }): Promise<OutboxSweepPage> => {
    const due = await OutboxEntry.find({ leaseUntil: { $lte: new Date() } })
      .sort({ leaseUntil: 1 })
      .limit(limit)
      .lean<DueEntry[]>();
    const page: OutboxSweepPage = { taken: 0, routed: 0, settled: 0, failed: 0, more: due.length === limit };
    for (const entry of due) {
      if (!(await takeOutboxEntry(entry._id, entry.leaseUntil))) continue;
      page.taken += 1;
      try {
        page[await routeEntry(deps, entry)] += 1;
      } catch (error) {
        await releaseOutbox(entry._id, error instanceof Error ? error.message : String(error));
        page.failed += 1;
      }
    }
    return page;
  };
}
