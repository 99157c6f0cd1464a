import {
  Delivery,
  FINAL_DELIVERY_STATES,
  OUTCOME_UNKNOWN,
  type DeliveryDocument,
  type DeliveryState,
} from '../models/delivery';
import type { DeliveryOutcome, DeliveryRequest } from '../sdk/contracts/journey-activities';
import { isDuplicateKey } from '../models/mongo-errors';
import { journeyPriority } from './arbitration';

export type LedgerEntry = Pick<
  DeliveryDocument,
  '_id' | 'state' | 'reason' | 'until' | 'providerMessageId' | 'attempts' | 'to' | 'claimedAt'
>;

export function isFinal(state: string | undefined | null): boolean {
  return FINAL_DELIVERY_STATES.includes(state as DeliveryState);
}

/** A recorded entry as the send step's answer. */
export function outcomeOf(entry: LedgerEntry): DeliveryOutcome {
  const status = entry.state === 'deferred' ? 'deferred' : (entry.state as DeliveryOutcome['status']);
  return {
    status,
    ...(entry.reason ? { reason: entry.reason } : {}),
    ...(entry.until ? { until: entry.until.toISOString() } : {}),
    ...(entry.providerMessageId ? { providerMessageId: entry.providerMessageId } : {}),
  };
}

export async function readLedger(id: string): Promise<LedgerEntry | null> {
  return Delivery.findById(id).lean<LedgerEntry>().exec();
}

function identity(id: string, request: DeliveryRequest) {
  return {
    _id: id,
    workflowId: request.workflowId,
    ...(request.entryId ? { entryId: request.entryId } : {}),
    stepId: request.stepId,
    customerId: request.customerId,
    journey: request.journey,
    journeyVersion: request.journeyVersion,
    channel: request.channel,
    template: request.template,
    ...(request.topic ? { topic: request.topic } : {}),
    priority: journeyPriority(request.journey, request.journeyVersion),
  };
}

/**
 * Records an outcome decided before any provider call (blocked, capped, deferred, skipped). Never overwrites a final entry
 * or an attempt in flight: then the recorded entry wins and is returned.
 */
export async function recordDecision(
  id: string,
  request: DeliveryRequest,
  outcome: DeliveryOutcome & { status: 'blocked' | 'capped' | 'deferred' | 'skipped' },
  at: Date,
): Promise<DeliveryOutcome> {
  const { _id, ...fields } = identity(id, request);
  const set = {
    ...fields,
    state: outcome.status,
    at,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    ...(outcome.until ? { until: new Date(outcome.until) } : {}),
  };
  try {
    // `deferrals` remembers that the entry was held back, whatever it becomes later (journey analytics count it).
    const update = outcome.status === 'deferred' ? { $set: set, $inc: { deferrals: 1 } } : { $set: set };
    await Delivery.updateOne({ _id, state: { $in: ['retrying', 'deferred'] } }, update, { upsert: true }).exec();
    return outcome;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const recorded = await readLedger(id);
    return recorded ? outcomeOf(recorded) : outcome;
  }
}

export type Claim = { claimed: true; attempts: number } | { claimed: false; entry: LedgerEntry };

/**
 * Moves the entry to `sending` (creating it if needed) unless it is final or another attempt holds it: the unique
 * _id makes this the single gate in front of the provider. `fromSending` lets idempotent channels (web) take over
 * an attempt that died mid-way.
 */
export async function claimSending(
  id: string,
  request: DeliveryRequest,
  to: string | undefined,
  at: Date,
  fromSending = false,
): Promise<Claim> {
  const { _id, ...fields } = identity(id, request);
  const resumable = fromSending ? ['retrying', 'deferred', 'sending'] : ['retrying', 'deferred'];
  let claimed: { attempts?: number } | null;
  try {
    // One round trip: the claim returns the attempt count it wrote.
    claimed = await Delivery.findOneAndUpdate(
      { _id, state: { $in: resumable } },
      {
        $set: { ...fields, state: 'sending', at, claimedAt: new Date(), ...(to ? { to } : {}) },
        $unset: { reason: '', until: '' },
        $inc: { attempts: 1 },
      },
      { upsert: true, new: true, projection: { attempts: 1 } },
    )
      .lean<{ attempts?: number }>()
      .exec();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const entry = await readLedger(id);
    if (!entry) throw err;
    return { claimed: false, entry };
  }
  return { claimed: true, attempts: claimed?.attempts ?? 1 };
}

/**
 * `sending` → a final state or `retrying`. Retried a few times: the fewer lost writes, the fewer unknown outcomes.
 * `sent` also replaces an `unknown` another attempt recorded meanwhile (the provider's answer is the better record).
 */
export async function finishSending(
  id: string,
  state: Extract<DeliveryState, 'sent' | 'failed' | 'retrying' | 'unknown'>,
  fields: { reason?: string; providerMessageId?: string; provider?: 'smtp' | 'twilio' | 'web' },
): Promise<void> {
  const update = { $set: { state, ...fields }, ...(fields.reason ? {} : { $unset: { reason: '' } }) };
  const from = state === 'sent' ? { $in: ['sending', 'unknown'] } : 'sending';
  for (let attempt = 1; ; attempt++) {
    try {
      await Delivery.updateOne({ _id: id, state: from }, update).exec();
      return;
    } catch (err) {
      if (attempt >= 4) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

export interface SmsStatusReport {
  /** Twilio's message SID. */
  sid: string;
  /** queued, sent, delivered, undelivered, failed, ... */
  status: string;
  errorCode?: string;
  /** The ledger id from the status callback URL (see send-sms.ts). */
  deliveryId?: string;
  at: Date;
}

/**
 * A Twilio status callback: recorded on the entry with that SID. When none has it, the send's answer or ledger write
 * was lost (see send-path.ts): the callback proves the message went out, so the entry named by the callback URL
 * becomes `sent` (from `sending`, `unknown`, or the older `failed` / `outcome unknown`).
 */
export async function recordSmsStatus(report: SmsStatusReport): Promise<void> {
  const provider = {
    providerStatus: report.status,
    providerStatusAt: report.at,
    ...(report.errorCode ? { providerErrorCode: report.errorCode } : {}),
  };
  const bySid = await Delivery.updateOne({ providerMessageId: report.sid }, { $set: provider }).exec();
  if (bySid.matchedCount > 0 || report.deliveryId === undefined) return;
  await Delivery.updateOne(
    {
      _id: report.deliveryId,
      $or: [{ state: { $in: ['sending', 'unknown'] } }, { state: 'failed', reason: OUTCOME_UNKNOWN }],
    },
    { $set: { ...provider, state: 'sent', provider: 'twilio', providerMessageId: report.sid }, $unset: { reason: '' } },
  ).exec();
}
