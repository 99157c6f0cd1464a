import { cartUpdated, identityResolved, orderCompleted } from '../../signals';
import { defineJourney, isAnonymousCustomerId } from '../../sdk';

// Each version keeps its own constants (see v2).
/** How long a cart must sit unchanged before it counts as abandoned. */
export const CART_IDLE = '1 hour';
/** How long an anonymous visitor's cart waits for them to log in or give their email. */
export const IDENTIFY_WINDOW = '2 days';
/** From the reminder email to the on-site nudge. */
export const WEB_NUDGE_AFTER = '4 hours';
/** From the on-site nudge to the SMS last call. */
export const LAST_CALL_AFTER_NUDGE = '20 hours';
/** After the last call, orders still count as converted for this long. */
export const ATTRIBUTION_WINDOW = '2 days';

/**
 * v3: anonymous visitors' carts too. v2 required an email address at entry, so a visitor's cart was lost; v3 lets
 * them in (a revoked email consent still keeps a customer out), nudges an anonymous visitor on the site, and sends
 * the reminder email once they log in or give their email: the same run, now the known customer's.
 */
export const abandonedCartV3 = defineJourney({
  name: 'abandoned-cart',
  version: 3,
  description:
    'A cart sits unchanged for an hour. A known customer gets a reminder email, four hours later an in-app message, ' +
    'a day after the email an SMS last call. An anonymous visitor gets the in-app message first, and the email as ' +
    'soon as they identify (within two days). An order for the cart ends it at any point.',
  reason: 'you left items in your cart',
  priority: 40, // arbitration: a marketing nudge: yields to service messages about the customer's cover
  trigger: { signal: cartUpdated, key: (cart) => cart.cartId },
  goal: { signal: orderCompleted, key: (order) => order.cartId },
  entry: { reentry: { cooldown: '7 days' } },
  eligibility: () => ({ 'consent.email.status': { $ne: 'revoked' } }),

  async run(j) {
    j.step('cart-idle');
    await j.quietFor(cartUpdated, CART_IDLE);

    const cart = () => j.latest(cartUpdated)!.data;
    if (cart().items.length === 0) j.exit('cart emptied');

    let nudged = false;
    if (isAnonymousCustomerId(j.customerId)) {
      j.step('anonymous-nudge');
      await j.web('cart-web-nudge', { cart: cart() }, { topic: 'offers' });
      nudged = true;
      j.step('wait-for-identity');
      const identified = await j.waitFor(identityResolved, IDENTIFY_WINDOW);
      if (!identified) j.exit('the visitor did not identify');
    }

    j.step('reminder');
    await j.email('cart-reminder', { cart: cart() }, { topic: 'offers' });

    if (!nudged) {
      j.step('wait-for-web-nudge');
      await j.sleep(WEB_NUDGE_AFTER);
      j.step('web-nudge');
      await j.web('cart-web-nudge', { cart: cart() }, { topic: 'offers' });
    }

    j.step('wait-for-order');
    await j.sleep(LAST_CALL_AFTER_NUDGE);

    j.step('last-call');
    await j.sms('cart-last-call', { cart: cart() }, { topic: 'offers' });

    j.step('attribution-window');
    await j.sleep(ATTRIBUTION_WINDOW);
  },
});
