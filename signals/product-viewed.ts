import { z } from 'zod';
import { defineSignal } from './define-signal';

export const productViewed = defineSignal({
  name: 'product.viewed',
  version: 1,
  description:
    'The web shop showed a product page, to a known customer or an anonymous visitor. Feeds behaviour windows of ' +
    'segments ("viewed a product 3 times in 7 days") and the visit-depth part of the engagement score.',
  identity: ['customerId', 'email', 'anonymousId'],
  keys: ['productId'],
  schema: z.object({
    productId: z.string().min(1),
    name: z.string().min(1),
    url: z.url(),
    category: z.string().min(1).optional(),
    price: z.number().nonnegative().optional(),
  }),
});
