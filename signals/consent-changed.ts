import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField, textField } from './limits';

export const consentChanged = defineSignal({
  name: 'consent.changed',
  version: 1,
  description:
    'The customer granted or revoked consent for a channel (or one topic on it): unsubscribe link, SMS keyword, ' +
    'preference centre. Running journeys hear of it; the send path reads consent from the profile.',
  identity: ['customerId', 'email', 'phone'],
  keys: [],
  schema: z.object({
    channel: z.enum(['email', 'sms', 'web']),
    status: z.enum(['granted', 'revoked']),
    /** A topic such as `offers`; absent = the whole channel. */
    topic: idField().optional(),
    /** Where the change came from: unsubscribe-link, sms-keyword, api, ... */
    source: textField().optional(),
  }),
});
