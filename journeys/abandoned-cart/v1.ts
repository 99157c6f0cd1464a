import { cartUpdated, orderCompleted } from '../../signals';
import { defineJourney } from '../../sdk';

/** How long a cart must sit unchanged before it counts as abandoned. */
export const CART_IDLE = '1 hour';
/** From the reminder email to the SMS last call. */
export const LAST_CALL_AFTER = '24 hours';
/** After the last call, orders still count as converted for this long. */
export const ATTRIBUTION_WINDOW = '2 days';

export const abandonedCartV1 = defineJourney({
  name: 'abandoned-cart',
  version: 1,
  priority: 40, // arbitration: a marketing nudge: yields to service messages about the customer's cover
  description:
    'A cart sits unchanged for an hour: a reminder email, a day later an SMS last call. An order for the cart ends it ' +
    'at any point; a cart that changes again restarts the idle wait.',
  reason: 'you left items in your cart',
  trigger: { signal: cartUpdated, key: (cart) => cart.cartId },
  goal: { signal: orderCompleted, key: (order) => order.cartId },
  entry: { reentry: { cooldown: '7 days' } },
  eligibility: () => ({ email: { $exists: true }, 'consent.email.status': { $ne: 'revoked' } }),

  async run(j) {
    j.step('cart-idle');
    await j.quietFor(cartUpdated, CART_IDLE);

    const cart = j.latest(cartUpdated)!.data;
    if (cart.items.length === 0) j.exit('cart emptied');

    j.step('reminder');
    await j.email('cart-reminder', { cart }, { topic: 'offers' });

    j.step('wait-for-order');
    await j.sleep(LAST_CALL_AFTER);

    j.step('last-call');
    await j.sms('cart-last-call', { cart: j.latest(cartUpdated)!.data }, { topic: 'offers' });

    j.step('attribution-window');
    await j.sleep(ATTRIBUTION_WINDOW);
  },
});
