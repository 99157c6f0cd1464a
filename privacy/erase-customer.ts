import type { Client } from '@temporalio/client';
import { Delivery } from '../models/delivery';
import { Erasure } from '../models/erasure';
import { EventRecord } from '../models/event';
import { FrequencySlot } from '../models/frequency-slot';
import { MergeRecord } from '../models/merge';
import { OutboxEntry } from '../models/outbox';
import { Profile } from '../models/profile';
import { WebMessage } from '../models/web-message';
import { customerRunsQuery } from '../routing/visibility-query';

export interface ErasureReport {
  customerId: string;
  erasedAt: string;
  /** Open journey runs asked to cancel (Temporal visibility). */
  runsCancelled: number;
  deleted: {
    profile: number;
    events: number;
    webMessages: number;
    capSlots: number;
    /** Merge records into or from the customer (they hold the anonymous visitor's profile as it was). */
    merges: number;
    /** Anonymous visitors' profiles merged into the customer (kept with `mergedInto` after an identify). */
    mergedProfiles: number;
  };
  /** Ledger entries kept (so a retried send still cannot go out twice) with their address and reasons removed. */
  ledgerEntriesRedacted: number;
}

/** What a provider's error may quote: an email address or a phone number. */
const ADDRESS_IN_TEXT = /@|\+?\d[\d\s().-]{6,}\d/;
export const REDACTED = '(redacted: customer erased)';

/**
 * Erases a customer (GDPR art. 17). The tombstone comes first, so an event arriving meanwhile starts nothing; then
 * the open runs are cancelled (and would send nothing anyway: without a profile the send path blocks every send),
 * the profile, events (also those in the outbox), web messages, cap slots and identify records are deleted, and the delivery ledger keeps its entries (ids only:
 * they are what makes a retried send a no-op) without addresses. Safe to repeat.
 */
export async function eraseCustomer(temporal: Client, customerId: string, now = new Date()): Promise<ErasureReport> {
  await Erasure.updateOne({ _id: customerId }, { $setOnInsert: { erasedAt: now } }, { upsert: true }).exec();
  let runsCancelled = 0;
  const query = `${customerRunsQuery(customerId)} AND ExecutionStatus = 'Running'`;
  for await (const run of temporal.workflow.list({ query })) {
    await temporal.workflow.getHandle(run.workflowId, run.runId).cancel();
    runsCancelled += 1;
  }
  const [profile, events, webMessages, capSlots, merges, mergedProfiles] = await Promise.all([
    Profile.deleteOne({ _id: customerId }).exec(),
    EventRecord.deleteMany({ customerId }).exec(),
    WebMessage.deleteMany({ customerId }).exec(),
    FrequencySlot.deleteMany({ customerId }).exec(),
    // Identify records keep the anonymous profile as it was merged into this customer.
    MergeRecord.deleteMany({ $or: [{ into: customerId }, { from: customerId }] }).exec(),
    // Anonymous visitors' profiles merged into the customer.
    Profile.deleteMany({ mergedInto: customerId }).exec(),
    // Events still in flight (recorded, not yet routed) are copies of events: gone too, and never routed.
    OutboxEntry.deleteMany({ 'event.customerId': customerId }).exec(),
  ]);
  const entries = await Delivery.find({ customerId }, { _id: 1, reason: 1 }).lean<{ _id: string; reason?: string }[]>();
  for (const entry of entries) {
    const redactReason = entry.reason !== undefined && ADDRESS_IN_TEXT.test(entry.reason);
    await Delivery.updateOne(
      { _id: entry._id },
      { $unset: { to: '' }, ...(redactReason ? { $set: { reason: REDACTED } } : {}) },
    ).exec();
  }
  const tombstone = await Erasure.findById(customerId).lean<{ erasedAt: Date }>().exec();
  return {
    customerId,
    erasedAt: (tombstone?.erasedAt ?? now).toISOString(),
    runsCancelled,
    deleted: {
      profile: profile.deletedCount,
      events: events.deletedCount,
      webMessages: webMessages.deletedCount,
      capSlots: capSlots.deletedCount,
      merges: merges.deletedCount,
      mergedProfiles: mergedProfiles.deletedCount,
    },
    ledgerEntriesRedacted: entries.length,
  };
}
