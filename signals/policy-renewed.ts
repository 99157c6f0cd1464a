import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField } from './limits';

export const policyRenewed = defineSignal({
  name: 'policy.renewed',
  version: 1,
  description: 'The policyholder renewed the policy. Goal of the renewal-window journey.',
  identity: ['customerId'],
  keys: ['policyId'],
  schema: z.object({
    policyId: idField(),
    /** The next renewal date after this renewal. */
    renewalDate: z.iso.datetime({ offset: true }).or(z.iso.date()),
  }),
});
