import { WebMessage } from '../models/web-message';
import { addDays } from '../sdk/dates';
import type { DeliveryRequest } from '../sdk/contracts/journey-activities';
import { isDuplicateKey } from '../models/mongo-errors';
import type { RenderedTemplates } from './render';

export interface WebInput {
  request: DeliveryRequest;
  deliveryId: string;
  content: RenderedTemplates['web'];
  ttlDays: number;
  /** The attempt's time: the expiry counts from it. */
  at: Date;
}

/**
 * Stores the in-app message under the ledger id. Idempotent by construction: a second attempt hits the unique _id
 * (E11000) and finds the message already there, so web sends have no unknown-outcome window.
 * Expiry counts from the attempt's time.
 */
export async function sendWebMessage({ request, deliveryId, content, ttlDays, at }: WebInput): Promise<string> {
  const expiresAt = addDays(at, ttlDays);
  try {
    await WebMessage.create({
      _id: deliveryId,
      customerId: request.customerId,
      journey: request.journey,
      template: request.template,
      title: content.title,
      body: content.body,
      ...(content.url ? { url: content.url } : {}),
      expiresAt,
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  return deliveryId;
}
