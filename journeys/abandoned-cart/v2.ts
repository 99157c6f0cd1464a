import { cartUpdated, orderCompleted } from '../../signals';
import { defineJourney } from '../../sdk';

// Each version keeps its own constants: a change to v1's would silently change v2 and every open v1 run, and
// replaying saved histories does not catch a changed timer duration.
/** How long a cart must sit unchanged before it counts as abandoned. */
export const CART_IDLE = '1 hour';
/** From the reminder email to the on-site nudge. */
export const WEB_NUDGE_AFTER = '4 hours';
/** From the on-site nudge to the SMS last call. */
export const LAST_CALL_AFTER_NUDGE = '20 hours';
/** After the last call, orders still count as converted for this long. */
export const ATTRIBUTION_WINDOW = '2 days';

/**
 * v2: v1 went straight from email to SMS, the costliest and most intrusive channel. v2 first shows an in-app message
 * the next time the customer is on the site (free, and where they can buy), and only texts those it did not bring
 * back; the last call still leaves a day after the email. Runs started on v1 finish on v1.
 */
export const abandonedCartV2 = defineJourney({
  name: 'abandoned-cart',
  version: 2,
  priority: 40, // arbitration: a marketing nudge: yields to service messages about the customer's cover
  description:
    'A cart sits unchanged for an hour: a reminder email, four hours later an in-app message on the site, a day ' +
    'after the email an SMS last call. An order for the cart ends it at any point; a cart that changes again ' +
    'restarts the idle wait.',
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

    j.step('wait-for-web-nudge');
    await j.sleep(WEB_NUDGE_AFTER);

    j.step('web-nudge');
    await j.web('cart-web-nudge', { cart: j.latest(cartUpdated)!.data }, { topic: 'offers' });

    j.step('wait-for-order');
    await j.sleep(LAST_CALL_AFTER_NUDGE);

    j.step('last-call');
    await j.sms('cart-last-call', { cart: j.latest(cartUpdated)!.data }, { topic: 'offers' });

    j.step('attribution-window');
    await j.sleep(ATTRIBUTION_WINDOW);
  },
});
