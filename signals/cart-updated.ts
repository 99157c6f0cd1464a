import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField, textField, urlField, MAX_LIST_LENGTH } from './limits';

export const cartItemSchema = z.object({
  sku: idField(),
  name: textField().min(1),
  qty: z.number().int().positive(),
  /** Unit price in the cart's currency. */
  price: z.number().nonnegative(),
});

export const cartUpdated = defineSignal({
  name: 'cart.updated',
  version: 1,
  description:
    'The web shop saw a cart change (item added, removed or quantity changed). Starts the abandoned-cart journey; ' +
    'every further update restarts its idle wait.',
  identity: ['customerId', 'email', 'anonymousId'],
  keys: ['cartId'],
  schema: z.object({
    cartId: idField(),
    items: z.array(cartItemSchema).max(MAX_LIST_LENGTH),
    total: z.number().nonnegative(),
    /** ISO-4217 code, e.g. `EUR`. */
    currency: z.string().length(3),
    /** Where the customer can pick the cart up again. */
    url: urlField(),
  }),
});
