import { z } from 'zod';
import { defineSignal } from './define-signal';
import { textField, MAX_LIST_LENGTH } from './limits';

export const profileUpdated = defineSignal({
  name: 'profile.updated',
  version: 1,
  description: "The customer's profile changed (by the CRM or the profile API); `changed` lists the changed fields.",
  identity: ['customerId', 'email', 'phone', 'anonymousId'],
  keys: [],
  schema: z.object({
    /** Dotted paths of the changed fields, e.g. `email`, `attributes.plan`. */
    changed: z.array(textField().min(1)).min(1).max(MAX_LIST_LENGTH),
  }),
});
