import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField } from './limits';

export const policyRenewalDue = defineSignal({
  name: 'policy.renewal-due',
  version: 1,
  description:
    "A policy's renewal date is near. Emitted by the daily audience scan (or a policy admin system); " +
    'starts the renewal-window journey for that policy.',
  identity: ['customerId'],
  keys: ['policyId'],
  schema: z.object({
    policyId: idField(),
    /** ISO-8601 date or date-time the policy renews (or lapses) on. */
    renewalDate: z.iso.datetime({ offset: true }).or(z.iso.date()),
  }),
});
