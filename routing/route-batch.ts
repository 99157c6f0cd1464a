/** Events of one batch routed at once by default: enough to keep Temporal busy, few enough to bound a big batch. */
export const BATCH_ROUTING_CONCURRENCY = 16;

/**
 * Routes a batch's events concurrently, bounded, while one customer's events go one after another in the order sent
 * (a cart update must reach its run before the order that ends it). Results come back in the batch's order.
 */
export async function routeInCustomerOrder<E extends { customerId: string }, R>(
  events: readonly E[],
  route: (event: E) => Promise<R>,
  concurrency = BATCH_ROUTING_CONCURRENCY,
): Promise<R[]> {
  const byCustomer = new Map<string, number[]>();
  events.forEach((event, i) => byCustomer.set(event.customerId, [...(byCustomer.get(event.customerId) ?? []), i]));
  const queues = [...byCustomer.values()];
  const results: R[] = new Array(events.length);
  let next = 0;
  const lane = async () => {
    while (next < queues.length) {
      for (const i of queues[next++]) results[i] = await route(events[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queues.length) }, lane));
  return results;
}
