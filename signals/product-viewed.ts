import { z } from 'zod';
import { defineSignal } from './define-signal';
import { idField, textField, urlField } from './limits';

export const productViewed = defineSignal({
  name: 'product.viewed',
  version: 1,
  description:
    'The web shop showed a product page, to a known customer or an anonymous visitor. Feeds behaviour windows of ' +
    'segments ("viewed a product 3 times in 7 days") and the visit-depth part of the engagement score.',
  identity: ['customerId', 'email', 'anonymousId'],
  keys: ['productId'],
  schema: z.object({
    productId: idField(),
    name: textField().min(1),
    url: urlField(),
    category: idField().optional(),
    price: z.number().nonnegative().optional(),
  }),
});
