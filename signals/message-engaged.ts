import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField, textField, MAX_URL_LENGTH } from './limits';

export const messageEngaged = defineSignal({
  name: 'message.engaged',
  version: 1,
  description:
    'The customer clicked a link in an email, or saw or clicked a web message. Journeys may use a click as a goal.',
  identity: ['customerId', 'email', 'anonymousId'],
  keys: ['deliveryId'],
  schema: z.object({
    /** The delivery ledger entry the message came from. */
    deliveryId: textField().min(1).optional(),
    channel: z.enum(['email', 'web']),
    action: z.enum(['clicked', 'seen']),
    /** The journey that sent the message. */
    journey: idField().optional(),
    url: z.string().max(MAX_URL_LENGTH).optional(),
  }),
});
