import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField, textField } from './limits';

export const dependentTurning26 = defineSignal({
  name: 'dependent.turning-26',
  version: 1,
  description:
    "A dependent on the customer's health policy turns 26 soon and loses cover on that date. Emitted by the daily " +
    'audience scan; starts the dependent-turning-26 journey for that dependent.',
  identity: ['customerId'],
  keys: ['dependentId'],
  schema: z.object({
    policyId: idField(),
    dependentId: idField(),
    birthDate: z.iso.date(),
    /** The 26th birthday (ISO date). */
    turns26On: z.iso.date(),
    firstName: textField().optional(),
    /** The dependent's own customer profile, if they have one (for their own consent and address). */
    dependentCustomerId: idField().optional(),
  }),
});
