import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField, textField } from './limits';

export const dependentRemoved = defineSignal({
  name: 'dependent.removed',
  version: 1,
  description: 'A dependent was removed from a health policy; ends their dependent-turning-26 journey.',
  identity: ['customerId'],
  keys: ['dependentId'],
  schema: z.object({
    policyId: idField(),
    dependentId: idField(),
    birthDate: z.iso.date().optional(),
    reason: textField().optional(),
  }),
});
