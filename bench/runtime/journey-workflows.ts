// The journey side of bench/runtime.ts, bundled on its own: abandoned-cart v2's steps written with the journey SDK,
// with timers of seconds so runs finish while the bench watches. Version 90 keeps it apart from the product's runs.
import { cartUpdated, orderCompleted } from '../../signals';
import { defineJourney } from '../../sdk';
import { BENCH_TIMER } from './timers';

export const abandonedCartV90 = defineJourney({
  name: 'abandoned-cart',
  version: 90,
  description: 'abandoned-cart v2 with one-second timers, for bench/runtime.ts',
  reason: 'you left items in your cart',
  trigger: { signal: cartUpdated, key: (cart) => cart.cartId },
  goal: { signal: orderCompleted, key: (order) => order.cartId },
  eligibility: () => ({ email: { $exists: true }, 'consent.email.status': { $ne: 'revoked' } }),

  async run(j) {
    j.step('cart-idle');
    await j.quietFor(cartUpdated, BENCH_TIMER);
    const cart = j.latest(cartUpdated)!.data;
    if (cart.items.length === 0) j.exit('cart emptied');

    j.step('reminder');
    await j.email('cart-reminder', { cart }, { topic: 'offers' });
    j.step('wait-for-web-nudge');
    await j.sleep(BENCH_TIMER);
    j.step('web-nudge');
    await j.web('cart-web-nudge', { cart: j.latest(cartUpdated)!.data }, { topic: 'offers' });
    j.step('wait-for-order');
    await j.sleep(BENCH_TIMER);
    j.step('last-call');
    await j.sms('cart-last-call', { cart: j.latest(cartUpdated)!.data }, { topic: 'offers' });
    j.step('attribution-window');
    await j.sleep(BENCH_TIMER);
  },
});
