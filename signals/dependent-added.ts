import { z } from 'zod';
import { defineSignal } from './define-signal';

export const dependentAdded = defineSignal({
  name: 'dependent.added',
  version: 1,
  description: 'A dependent was added to a health policy.',
  identity: ['customerId'],
  keys: ['dependentId'],
  schema: z.object({
    policyId: z.string().min(1),
    dependentId: z.string().min(1),
    birthDate: z.iso.date(),
    firstName: z.string().optional(),
    /** The dependent's own customer profile, if they have one. */
    dependentCustomerId: z.string().optional(),
  }),
});
