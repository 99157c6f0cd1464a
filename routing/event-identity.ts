import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { JourneyEvent } from '../signals/define-signal';

/** The source of an event that names none: a caller of `POST /v1/events`. */
export const DEFAULT_EVENT_SOURCE = 'api';

export function eventSource(event: Pick<JourneyEvent, 'source'>): string {
  return event.source ?? DEFAULT_EVENT_SOURCE;
}

/**
 * The dedupe key of an event: the sender's id within its source and customer. Two sources, or two customers, may use
 * the same event id without colliding; the same source resending for the same customer is a duplicate.
 */
export function eventRecordKey(event: Pick<JourneyEvent, 'id' | 'customerId' | 'source'>): string {
  return `${eventSource(event)}|${event.customerId}|${event.id}`;
}

/**
 * What the sender said, hashed (SHA-256 over canonical JSON: key order does not matter): the signal, its version and
 * its data. `occurredAt` is left out, since the API fills it in with the arrival time when the sender does not.
 */
export function payloadHash(event: Pick<JourneyEvent, 'signal' | 'version' | 'data'>): string {
  const canonical = stringify({ signal: event.signal, version: event.version, data: event.data });
  return createHash('sha256')
    .update(canonical ?? '')
    .digest('hex');
}
