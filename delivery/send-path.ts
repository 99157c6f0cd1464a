import type { Config } from '../config';
import { Delivery, OUTCOME_UNKNOWN, deliveryId as ledgerId } from '../models/delivery';
import { findLiveProfile } from '../models/profile';
import type { DeliveryOutcome, DeliveryRequest } from '../sdk/contracts/journey-activities';
import { classifyProviderError } from './providers/classify-error';
import type { Mailer } from './providers/smtp-transport';
import type { SmsClient } from './providers/twilio-client';
import { findHigherPriority, journeyPriority, parseArbitrationWindow } from './arbitration';
import { decideConsent, type ConsentProfile } from './consent';
import { capFor, parseFrequencyCaps } from './frequency-cap-rules';
import { releaseCapSlot, reserveCapSlot } from './frequency-caps';
import { claimSending, finishSending, isFinal, outcomeOf, readLedger, recordDecision } from './ledger';
import { effectiveZone, parseQuietHours, quietHoursEnd } from './quiet-hours';
import { renderTemplate, TemplateNotFoundError } from './render';
import { emailMessageId, sendEmail } from './send-email';
import { sendSms } from './send-sms';
import { sendWebMessage } from './send-web';

export interface SendPathDeps {
  config: Config;
  mailer: Mailer;
  twilio: SmsClient;
}

/** A request the send path cannot judge (a malformed time): asking again cannot help. */
export class InvalidDeliveryRequest extends Error {
  override readonly name = 'InvalidDeliveryRequest';
}

/** The provider refused for now or could not be reached: nothing went out, a later attempt may send. */
export class TransientProviderError extends Error {
  override readonly name = 'TransientProviderError';
}

/**
 * The one send path every channel uses (docs/architecture.md, Sending):
 *   0. the ledger first: a delivery already decided (sent, blocked, capped, failed, skipped) is answered as
 *      recorded; a send judged after its `skipAfter` deadline (a missed date) is `skipped`;
 *   1. consent for channel and topic, and an address;  2. quiet hours (not for web);
 *   3. cross-journey arbitration (delivery/arbitration.ts), then frequency caps across journeys;  4. the ledger claim (`sending`) under the unique (workflowId, stepId) key;
 *   5. render and call the provider, record the outcome.
 * The checks judge `request.at` (workflow time), so time-skipping tests and replays agree with production.
 *
 * The window between the provider's acceptance and the ledger write: the claim (`sending`) is written right before
 * the provider call, and the result right after it (retried in-process a few times). If the process dies in between,
 * the next attempt finds `sending` and cannot know whether the provider took the message:
 *   - web: the message is stored under the ledger id itself, so the attempt simply does it again (idempotent);
 *   - SMS: the status callback URL carries the ledger id, so Twilio's callback settles the entry as `sent` with the
 *     SID if the message went out; if none has arrived, the entry becomes `failed` / `outcome unknown` and is never
 *     resent (a late callback still corrects it to `sent`);
 *   - email: SMTP has no lookup, so the entry becomes `failed` / `outcome unknown` with the deterministic Message-ID
 *     it would have carried, and is never resent.
 * We choose at most once: a customer never gets a message twice, at the price of rare unknown outcomes, which are
 * recorded and visible, not silent. The window is one SMTP DATA / one Twilio POST long.
 */
export function createSendPath(deps: SendPathDeps) {
  const { config } = deps;
  const quietHours = parseQuietHours(config.QUIET_HOURS);
  const caps = parseFrequencyCaps(config.FREQUENCY_CAPS);
  const arbitrationWindowMs = parseArbitrationWindow(config.ARBITRATION_WINDOW);

  return async function send(request: DeliveryRequest): Promise<DeliveryOutcome> {
    const id = ledgerId(request.workflowId, request.stepId, request.entryId);
    const at = new Date(request.at);
    if (Number.isNaN(at.getTime())) throw new InvalidDeliveryRequest(`bad request time '${request.at}'`);

    const recorded = await readLedger(id);
    if (recorded && isFinal(recorded.state)) return outcomeOf(recorded);
    if (recorded?.state === 'sending' && request.channel !== 'web') return settleUnknown(id, request);
    if (request.skipAfter !== undefined && at.getTime() > Date.parse(request.skipAfter)) {
      return recordDecision(id, request, { status: 'skipped', reason: `missed: due by ${request.skipAfter}` });
    }

    // 1. consent
    // An anonymous visitor merged into a known customer is reached as that customer (their address and consent).
    const profile = await findLiveProfile<ConsentProfile & { timeZone?: string }>(request.customerId);
    const consent = decideConsent(profile, request.channel, request.topic, request.legallyRequired === true);
    if (!consent.allowed) return recordDecision(id, request, { status: 'blocked', reason: consent.reason });

    // 2. quiet hours: in-app messages wait in the customer's inbox and disturb no one, so they are not held back.
    const zone = effectiveZone(profile?.timeZone, config.DEFAULT_TIME_ZONE);
    if (request.channel !== 'web') {
      const opening = quietHoursEnd(at, zone, quietHours);
      if (opening) {
        return recordDecision(id, request, { status: 'deferred', reason: 'quiet hours', until: opening.toISOString() });
      }
    }

    // Rendering is pure: done before a cap slot is taken, so a broken template costs no slot and sends nothing.
    let content;
    try {
      content = await renderTemplate(request.journey, request.template, request.channel, request.data);
    } catch (err) {
      if (!(err instanceof TemplateNotFoundError) && !isLiquidError(err)) throw err;
      await recordFinalFailure(id, request, `template: ${(err as Error).message}`);
      return { status: 'failed', reason: `template: ${(err as Error).message}` };
    }

    // 3. arbitration: a higher-priority journey that reached this customer on this channel lately speaks alone.
    if (arbitrationWindowMs !== undefined && !request.legallyRequired) {
      const priority = journeyPriority(request.journey, request.journeyVersion);
      const rival = await findHigherPriority({ ...request, priority, at, windowMs: arbitrationWindowMs });
      if (rival) {
        return request.onCap === 'defer'
          ? recordDecision(id, request, { status: 'deferred', reason: rival.reason, until: rival.until.toISOString() })
          : recordDecision(id, request, { status: 'capped', reason: rival.reason });
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
          ? recordDecision(id, request, { status: 'deferred', reason, until: reservation.window.end.toISOString() })
          : recordDecision(id, request, { status: 'capped', reason });
      }
    }

    // 4. the ledger claim: from here on, only one attempt ever reaches the provider.
    const claim = await claimSending(id, request, consent.address, request.channel === 'web');
    if (!claim.claimed) {
      if (isFinal(claim.entry.state)) return outcomeOf(claim.entry);
      return settleUnknown(id, request);
    }

    // 5. the provider
    const provider = request.channel === 'email' ? 'smtp' : request.channel === 'sms' ? 'twilio' : 'web';
    let providerMessageId: string;
    try {
      if (request.channel === 'email') {
        providerMessageId = await sendEmail({
          config,
          mailer: deps.mailer,
          request,
          deliveryId: id,
          to: consent.address!,
          content: content as Awaited<ReturnType<typeof renderTemplate<'email'>>>,
        });
      } else if (request.channel === 'sms') {
        providerMessageId = await sendSms({
          config,
          twilio: deps.twilio,
          deliveryId: id,
          to: consent.address!,
          content: content as Awaited<ReturnType<typeof renderTemplate<'sms'>>>,
        });
      } else {
        providerMessageId = await sendWebMessage({
          request,
          deliveryId: id,
          content: content as Awaited<ReturnType<typeof renderTemplate<'web'>>>,
          ttlDays: config.WEB_MESSAGE_TTL_DAYS,
        });
      }
    } catch (err) {
      const classified = classifyProviderError(err);
      const reason = `${classified.provider} ${classified.code}: ${classified.message}`.slice(0, 500);
      if (classified.kind === 'permanent') {
        await finishSending(id, 'failed', { reason, provider });
        await releaseCapSlot(id);
        return { status: 'failed', reason };
      }
      // The provider said no (or could not be reached): nothing went out, the next attempt may send.
      await finishSending(id, 'retrying', { reason, provider });
      throw new TransientProviderError(reason);
    }
    await finishSending(id, 'sent', { providerMessageId, provider });
    return { status: 'sent', providerMessageId };
  };

  /** An earlier attempt reached the provider and left no result (see the comment above createSendPath). */
  async function settleUnknown(id: string, request: DeliveryRequest): Promise<DeliveryOutcome> {
    const providerMessageId = request.channel === 'email' ? emailMessageId(id, config.EMAIL_FROM) : undefined;
    await Delivery.updateOne(
      { _id: id, state: 'sending' },
      { $set: { state: 'failed', reason: OUTCOME_UNKNOWN, ...(providerMessageId ? { providerMessageId } : {}) } },
    ).exec();
    const entry = await readLedger(id);
    return entry ? outcomeOf(entry) : { status: 'failed', reason: OUTCOME_UNKNOWN };
  }
}

async function recordFinalFailure(id: string, request: DeliveryRequest, reason: string): Promise<void> {
  await claimSending(id, request, undefined);
  await finishSending(id, 'failed', { reason });
}

function isLiquidError(err: unknown): boolean {
  return err instanceof Error && /Liquid|ParseError|RenderError|TokenizationError/.test(err.name);
}
