import { cartUpdated, productViewed } from '../signals';
import { behaviourWindow, defineSegment } from './define-segment';

/** Browse abandonment's entry: anyone, anonymous or known, who keeps coming back to look. */
export const windowShoppersV1 = defineSegment({
  name: 'window-shoppers',
  version: 1,
  description: 'Viewed product pages at least 3 times in the last 7 days (anonymous visitors too).',
  filter: {},
  behaviour: [behaviourWindow(productViewed, { name: 'views', atLeast: 3, withinDays: 7 })],
});

/** Shoppers building a cart: two cart changes within a day. */
export const cartBuildersV1 = defineSegment({
  name: 'cart-builders',
  version: 1,
  description: 'Changed a cart at least twice within a day.',
  filter: {},
  behaviour: [behaviourWindow(cartUpdated, { name: 'cart-changes', atLeast: 2, withinDays: 1 })],
});
