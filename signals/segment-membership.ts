import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField, textField } from './limits';

const membershipChange = z.object({
  /** The segment's name (segments/). */
  segment: idField(),
  /** The segment version that decided. */
  version: z.number().int().positive(),
  /** The event that moved the customer (absent when a profile change or the passing of time did). */
  cause: z.object({ eventId: textField(), signal: idField(), data: z.record(z.string(), z.unknown()) }).optional(),
  /** What moved the customer, in words: `event product.viewed`, `profile change`, `window lapsed`, `merge`. */
  reason: textField(),
});

export const segmentEntered = defineSignal({
  name: 'segment.entered',
  version: 1,
  description:
    'Sent by Waymark when a customer came to match a segment (a profile change, an event, a merge). Journeys start ' +
    'on it, wait for it or use it as a goal. Not accepted by POST /v1/events.',
  emittedBy: 'waymark',
  identity: ['customerId'],
  keys: ['segment'],
  schema: membershipChange,
});

export const segmentExited = defineSignal({
  name: 'segment.exited',
  version: 1,
  description:
    'Sent by Waymark when a customer stopped matching a segment (a profile change, an event, a behaviour window ' +
    'that lapsed). Not accepted by POST /v1/events.',
  emittedBy: 'waymark',
  identity: ['customerId'],
  keys: ['segment'],
  schema: membershipChange,
});
