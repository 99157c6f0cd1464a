import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField, textField } from './limits';

export const dependentAdded = defineSignal({
  name: 'dependent.added',
  version: 1,
  description: 'A dependent was added to a health policy.',
  identity: ['customerId'],
  keys: ['dependentId'],
  schema: z.object({
    policyId: idField(),
    dependentId: idField(),
    birthDate: z.iso.date(),
    firstName: textField().optional(),
    /** The dependent's own customer profile, if they have one. */
    dependentCustomerId: idField().optional(),
  }),
});
