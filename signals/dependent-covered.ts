import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField } from './limits';

export const dependentCovered = defineSignal({
  name: 'dependent.covered',
  version: 1,
  description: 'The dependent took out a policy of their own. Goal of the dependent-turning-26 journey.',
  identity: ['customerId'],
  keys: ['dependentId'],
  schema: z.object({
    dependentId: idField(),
    /** The dependent's new policy. */
    policyId: idField(),
  }),
});
