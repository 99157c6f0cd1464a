// The hand-written side of bench/runtime.ts, bundled on its own: the same activities and timers as the bench journey
// (abandoned-cart v2's steps) in plain Temporal TypeScript, as one would write it without the journey SDK: signal
// handlers, condition() with a timeout, proxyActivities. No step search attribute, no state query, no inbox.
import { condition, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { cartUpdated as cartUpdatedSignal, orderCompleted as orderCompletedSignal } from '../../signals';
import type { EventOf } from '../../signals/define-signal';
import type { DeliveryChannel, JourneyActivities } from '../../sdk/contracts/journey-activities';
import { BENCH_TIMER_MS } from './timers';

const cartUpdated = defineSignal<[EventOf<typeof cartUpdatedSignal>]>('cart.updated');
const orderCompleted = defineSignal<[EventOf<typeof orderCompletedSignal>]>('order.completed');

const { deliver } = proxyActivities<JourneyActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { checkEligibility } = proxyActivities<JourneyActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function handWrittenCart(input: { customerId: string; key: string }): Promise<string> {
  const carts: EventOf<typeof cartUpdatedSignal>[] = [];
  const seen = new Set<string>();
  let converted = false;
  setHandler(cartUpdated, (event) => {
    if (event.data.cartId !== input.key || seen.has(event.id)) return;
    seen.add(event.id);
    carts.push(event);
  });
  setHandler(orderCompleted, (event) => {
    if (event.data.cartId === input.key) converted = true;
  });
  await condition(() => carts.length > 0);

  const eligibility = await checkEligibility({
    customerId: input.customerId,
    filter: { email: { $exists: true }, 'consent.email.status': { $ne: 'revoked' } },
  });
  if (!eligibility.eligible) return 'ineligible';

  for (;;) {
    const count = carts.length;
    if (!(await condition(() => carts.length !== count || converted, BENCH_TIMER_MS))) break;
    if (converted) return 'converted';
  }
  const cart = () => carts[carts.length - 1].data;
  if (cart().items.length === 0) return 'exited';

  const send = (channel: DeliveryChannel, template: string) =>
    deliver({
      workflowId: workflowInfo().workflowId,
      stepId: `${channel}:${template}`,
      journey: 'abandoned-cart',
      journeyVersion: 91,
      reason: 'you left items in your cart',
      customerId: input.customerId,
      channel,
      template,
      topic: 'offers',
      data: { cart: cart() },
      at: new Date().toISOString(),
      onCap: 'skip',
    });
  await send('email', 'cart-reminder');
  if (await condition(() => converted, BENCH_TIMER_MS)) return 'converted';
  await send('web', 'cart-web-nudge');
  if (await condition(() => converted, BENCH_TIMER_MS)) return 'converted';
  await send('sms', 'cart-last-call');
  if (await condition(() => converted, BENCH_TIMER_MS)) return 'converted';
  return 'completed';
}
