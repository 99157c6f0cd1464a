import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField } from './limits';

export const orderCompleted = defineSignal({
  name: 'order.completed',
  version: 1,
  description: 'The web shop took an order. With `cartId` it is the goal of the abandoned-cart journey for that cart.',
  identity: ['customerId', 'email', 'anonymousId'],
  keys: ['cartId'],
  schema: z.object({
    orderId: idField(),
    cartId: idField(),
    total: z.number().nonnegative(),
  }),
});
