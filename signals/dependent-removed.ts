import { z } from 'zod';
import { defineSignal } from './define-signal';

export const dependentRemoved = defineSignal({
  name: 'dependent.removed',
  version: 1,
  description: 'A dependent was removed from a health policy; ends their dependent-turning-26 journey.',
  identity: ['customerId'],
  keys: ['dependentId'],
  schema: z.object({
    policyId: z.string().min(1),
    dependentId: z.string().min(1),
    birthDate: z.iso.date().optional(),
    reason: z.string().optional(),
  }),
});
