import type { Config } from '../config';
import { deliveryId as ledgerId } from '../models/delivery';
import { findLiveProfile } from '../models/profile';
import type { DeliveryOutcome, DeliveryRequest } from '../sdk/contracts/journey-activities';
import { MINUTE_MS } from '../sdk/durations';
import type { JourneyTemplates } from '../journeys/templates';
import { providerDuration, providerErrorsTotal } from '../metrics/registry';
import { classifyProviderError } from './providers/classify-error';
import type { Mailer } from './providers/smtp-transport';
import type { SmsClient } from './providers/twilio-client';
import { findHigherPriority, journeyPriority, parseArbitrationWindow } from './arbitration';
import { faultPoints, parseFaultKill } from './fault-points';
import { decideConsent, type ConsentProfile } from './consent';
import { capFor, parseFrequencyCaps } from './frequency-cap-rules';
import { releaseCapSlot, reserveCapSlot } from './frequency-caps';
import {
  claimSending,
  finishSending,
  isFinal,
  outcomeOf,
  readLedger,
  recordDecision,
  type LedgerEntry,
} from './ledger';
import { effectiveZone, parseQuietHours, quietHoursEnd } from './quiet-hours';
import { renderTemplate, TemplateNotFoundError, type RenderedTemplates } from './render';
import { emailMessageId, sendEmail } from './send-email';
import { findSentSms, sendSms } from './send-sms';
import { sendWebMessage } from './send-web';

export interface SendPathDeps {
  config: Config;
  mailer: Mailer;
  twilio: SmsClient;
  /** Journey name → its templates; default the catalog's (journeys/index.ts). */
  templates?: Readonly<Record<string, JourneyTemplates>>;
}

/** One attempt of the deliver activity, as the send path sees it. */
export interface SendAttempt {
  /** The attempt's own time: quiet hours, cap windows, the ledger's `at` and web message expiry are judged at it. */
  at: Date;
  /** Aborts the provider call (the activity was cancelled: the run reached its goal or an exit). */
  signal?: AbortSignal;
  /** The activity's retry policy allows no further attempt: a provider still out becomes a deferral. */
  last: boolean;
}

/** A request the send path cannot judge (a malformed time): asking again cannot help. */
export class InvalidDeliveryRequest extends Error {
  override readonly name = 'InvalidDeliveryRequest';
}

/** The provider refused for now or could not be reached: nothing went out, a later attempt may send. */
export class TransientProviderError extends Error {
  override readonly name = 'TransientProviderError';
}

/** After the activity's last attempt failed on a provider outage, the step is asked again this much later. */
export const OUTAGE_PAUSE_MS = 10 * MINUTE_MS;

type Content = RenderedTemplates[keyof RenderedTemplates];

/**
 * The one send path every channel uses (docs/architecture.md, Sending; docs/guarantees.md):
 *   0. the ledger first: a delivery already decided (sent, blocked, capped, failed, skipped, unknown) is answered as
 *      recorded; a send judged after its `skipAfter` deadline (a missed date) is `skipped`;
 *   1. consent for channel and topic, and an address;  2. quiet hours (not for web);
 *   3. cross-journey arbitration (delivery/arbitration.ts), then frequency caps across journeys;
 *   4. the ledger claim (`sending`) under the unique (run entry, step) key;  5. call the provider, record the outcome.
 * Every check judges the attempt's own time (`attempt.at`), never the time the workflow first asked: a retry at 2 am
 * after an outage is deferred to the morning, its cap slot taken in the window it goes out in.
 *
 * At most once. The claim (`sending`) is written right before the provider call. A failure tells whether the request
 * was written (classify-error.ts): before it, nothing went out (`retrying`, or `failed` when permanent); after it the
 * outcome is unknown and the message is never sent again:
 *   - SMS: Twilio's message list is read for this text to this number since the claim: found, it is `sent` with the
 *     SID; not found, it is `unknown` (a late status callback, whose URL carries the ledger id, still makes it `sent`);
 *   - email: SMTP has no lookup: `unknown`, with the deterministic Message-ID it carried;
 *   - web: stored under the ledger id itself, so an attempt simply does it again (idempotent, never unknown).
 * The same settling applies when an attempt finds `sending` left by one that died (a worker killed mid-call).
 * Retries are bounded by the activity's policy: when the last attempt still meets a provider outage, the step is
 * deferred to the next allowed moment (`OUTAGE_PAUSE_MS` on, after quiet hours) as a durable timer in the workflow.
 */
export function createSendPath(deps: SendPathDeps) {
  const { config } = deps;
  const quietHours = parseQuietHours(config.QUIET_HOURS);
  const caps = parseFrequencyCaps(config.FREQUENCY_CAPS);
  const arbitrationWindowMs = parseArbitrationWindow(config.ARBITRATION_WINDOW);
  const faultPoint = faultPoints(parseFaultKill(config.WAYMARK_FAULT_KILL));

  return async function send(request: DeliveryRequest, attempt: SendAttempt): Promise<DeliveryOutcome> {
    const id = ledgerId(request.workflowId, request.stepId, request.entryId);
    const { at } = attempt;
    if (Number.isNaN(at.getTime()) || Number.isNaN(Date.parse(request.at))) {
      throw new InvalidDeliveryRequest(`bad request time '${request.at}'`);
    }

    const recorded = await readLedger(id);
    if (recorded && isFinal(recorded.state)) return outcomeOf(recorded);
    if (recorded?.state === 'sending' && request.channel !== 'web') return settleLostAttempt(id, request, recorded);
    if (request.skipAfter !== undefined && at.getTime() > Date.parse(request.skipAfter)) {
      return recordDecision(id, request, { status: 'skipped', reason: `missed: due by ${request.skipAfter}` }, at);
    }

    // 1. consent
    // An anonymous visitor merged into a known customer is reached as that customer (their address and consent).
    const profile = await findLiveProfile<ConsentProfile & { timeZone?: string }>(request.customerId);
    const consent = decideConsent(profile, request.channel, request.topic, request.legallyRequired === true);
    if (!consent.allowed) return recordDecision(id, request, { status: 'blocked', reason: consent.reason }, at);

    // 2. quiet hours: in-app messages wait in the customer's inbox and disturb no one, so they are not held back.
    const zone = effectiveZone(profile?.timeZone, config.DEFAULT_TIME_ZONE);
    const opening = request.channel === 'web' ? undefined : quietHoursEnd(at, zone, quietHours);
    if (opening) {
      return recordDecision(
        id,
        request,
        { status: 'deferred', reason: 'quiet hours', until: opening.toISOString() },
        at,
      );
    }

    // Rendering is pure: done before a cap slot is taken, so a broken template costs no slot and sends nothing.
    let content: Content;
    try {
      content = await render(request);
    } catch (err) {
      if (!(err instanceof TemplateNotFoundError) && !isLiquidError(err)) throw err;
      const reason = `template: ${(err as Error).message}`;
      await claimSending(id, request, undefined, at);
      await finishSending(id, 'failed', { reason });
      return { status: 'failed', reason };
    }

    // 3. arbitration: a higher-priority journey that reached this customer on this channel lately speaks alone.
    if (arbitrationWindowMs !== undefined && !request.legallyRequired) {
      const priority = journeyPriority(request.journey, request.journeyVersion);
      const rival = await findHigherPriority({ ...request, priority, at, windowMs: arbitrationWindowMs });
      if (rival) {
        return request.onCap === 'defer'
          ? recordDecision(
              id,
              request,
              { status: 'deferred', reason: rival.reason, until: rival.until.toISOString() },
              at,
            )
          : recordDecision(id, request, { status: 'capped', reason: rival.reason }, at);
      }
    }

    // 3b. frequency caps (legally required notices are neither held back by caps nor counted against them)
    const rule = request.legallyRequired ? undefined : capFor(caps, request.journey, request.channel);
    if (rule) {
      const reservation = await reserveCapSlot({
        customerId: profile?._id ?? request.customerId,
        channel: request.channel,
        journey: request.journey,
        deliveryId: id,
        rule,
        at,
        zone,
      });
      if (!reservation.reserved) {
        const reason = `${request.channel} cap ${rule.limit}/${rule.period} reached`;
        return request.onCap === 'defer'
          ? recordDecision(id, request, { status: 'deferred', reason, until: reservation.window.end.toISOString() }, at)
          : recordDecision(id, request, { status: 'capped', reason }, at);
      }
    }

    // 4. the ledger claim: from here on, only one attempt ever reaches the provider.
    const claim = await claimSending(id, request, consent.address, at, request.channel === 'web');
    if (!claim.claimed) {
      if (isFinal(claim.entry.state)) return outcomeOf(claim.entry);
      return settleLostAttempt(id, request, claim.entry);
    }

    faultPoint('after-claim');

    // 5. the provider
    const provider = request.channel === 'email' ? 'smtp' : request.channel === 'sms' ? 'twilio' : 'web';
    let providerMessageId: string;
    const providerTimer = providerDuration.startTimer({ provider });
    try {
      faultPoint('call-started');
      providerMessageId = await callProvider(id, request, consent.address, content, attempt);
    } catch (err) {
      const classified = classifyProviderError(err);
      providerTimer({ result: classified.kind });
      providerErrorsTotal.inc({ provider, kind: classified.kind });
      const reason = `${classified.provider} ${classified.code}: ${classified.message}`.slice(0, 500);
      if (classified.kind === 'permanent') {
        await finishSending(id, 'failed', { reason, provider });
        await releaseCapSlot(id);
        return { status: 'failed', reason };
      }
      if (classified.kind === 'unknown') return settleUnknown(id, request, content, consent.address!, reason);
      // The provider said no (or could not be reached): nothing went out, the next attempt may send.
      await finishSending(id, 'retrying', { reason, provider });
      if (!attempt.last) throw new TransientProviderError(reason);
      // Out of attempts: hand the step back to the workflow as a deferral to the next moment it may go out.
      await releaseCapSlot(id);
      const retryAt = new Date(at.getTime() + OUTAGE_PAUSE_MS);
      const until = request.channel === 'web' ? retryAt : (quietHoursEnd(retryAt, zone, quietHours) ?? retryAt);
      return recordDecision(
        id,
        request,
        { status: 'deferred', reason: `provider unavailable (${reason})`.slice(0, 500), until: until.toISOString() },
        at,
      );
    }
    providerTimer({ result: 'accepted' });
    faultPoint('after-accept');
    await finishSending(id, 'sent', { providerMessageId, provider });
    return { status: 'sent', providerMessageId };
  };

  function render(request: DeliveryRequest): Promise<Content> {
    return renderTemplate(request.journey, request.template, request.channel, request.data, deps.templates);
  }

  function callProvider(
    id: string,
    request: DeliveryRequest,
    to: string | undefined,
    content: Content,
    { at, signal }: SendAttempt,
  ): Promise<string> {
    if (request.channel === 'email') {
      const email = content as RenderedTemplates['email'];
      return sendEmail({ config, mailer: deps.mailer, request, deliveryId: id, to: to!, content: email, signal });
    }
    if (request.channel === 'sms') {
      const sms = content as RenderedTemplates['sms'];
      return sendSms({ config, twilio: deps.twilio, deliveryId: id, to: to!, content: sms, signal });
    }
    const web = content as RenderedTemplates['web'];
    return sendWebMessage({ request, deliveryId: id, content: web, ttlDays: config.WEB_MESSAGE_TTL_DAYS, at });
  }

  /**
   * The provider got the request and its answer was lost: an SMS is looked up in Twilio's message list, an email is
   * recorded `unknown`. Never sent again either way.
   */
  async function settleUnknown(
    id: string,
    request: DeliveryRequest,
    content: Content,
    to: string,
    reason: string,
  ): Promise<DeliveryOutcome> {
    if (request.channel === 'sms') {
      const entry = await readLedger(id);
      const since = entry?.claimedAt ?? new Date();
      const sid = await lookUpSms(content as RenderedTemplates['sms'], to, since);
      if (sid) {
        await finishSending(id, 'sent', { providerMessageId: sid, provider: 'twilio' });
        return outcomeOf((await readLedger(id))!);
      }
      await finishSending(id, 'unknown', { reason, provider: 'twilio' });
    } else {
      const messageId = emailMessageId(id, config.EMAIL_FROM);
      await finishSending(id, 'unknown', { reason, provider: 'smtp', providerMessageId: messageId });
    }
    const entry = await readLedger(id);
    return entry ? outcomeOf(entry) : { status: 'unknown', reason };
  }

  /** Twilio's list, read once; a lookup that cannot reach Twilio counts as "not found" (the outcome stays unknown). */
  async function lookUpSms(content: RenderedTemplates['sms'], to: string, since: Date): Promise<string | undefined> {
    try {
      return await findSentSms({ config, twilio: deps.twilio, to, content, since });
    } catch {
      return undefined;
    }
  }

  /** An earlier attempt claimed the send and left no result: it died somewhere between the claim and the record. */
  async function settleLostAttempt(id: string, request: DeliveryRequest, entry: LedgerEntry): Promise<DeliveryOutcome> {
    const reason = 'an earlier attempt ended without an answer from the provider';
    let content: Content;
    try {
      content = await render(request);
    } catch {
      content = { body: '' };
    }
    return settleUnknown(id, request, content, entry.to ?? '', reason);
  }
}

function isLiquidError(err: unknown): boolean {
  return err instanceof Error && /Liquid|ParseError|RenderError|TokenizationError/.test(err.name);
}
