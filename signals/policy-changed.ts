import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField } from './limits';

export const POLICY_STATUSES = ['active', 'lapsed', 'cancelled'] as const;

export const policyChanged = defineSignal({
  name: 'policy.changed',
  version: 1,
  description:
    'The policy admin system changed a policy: a moved renewal date re-aims the renewal-window timers; ' +
    'a lapsed or cancelled status ends the journey as lost.',
  identity: ['customerId'],
  keys: ['policyId'],
  schema: z.object({
    policyId: idField(),
    renewalDate: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    status: z.enum(POLICY_STATUSES),
  }),
});
