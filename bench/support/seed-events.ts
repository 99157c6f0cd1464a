import { EventRecord } from '../../models/event';
import { eventRecordKey, payloadHash } from '../../routing/event-identity';

/**
 * Records `count` routed events in the events collection as the API leaves them (id, signal, customer, data, the
 * routing report, routedAt, receivedAt), straight through the driver in unordered batches of `batch`.
 * Returns the time it took (ms).
 */
export async function seedRoutedEvents(
  count: number,
  customerOf: (i: number) => string,
  options: { batch?: number; prefix?: string } = {},
): Promise<number> {
  const batch = options.batch ?? 10_000;
  const prefix = options.prefix ?? 'seed';
  const started = performance.now();
  const at = Date.now() - count;
  for (let first = 0; first < count; first += batch) {
    const docs = Array.from({ length: Math.min(batch, count - first) }, (_, k) => {
      const i = first + k;
      const customerId = customerOf(i);
      const when = new Date(at + i);
      const event = {
        id: `${prefix}-${i}`,
        signal: 'cart.updated',
        version: 1,
        data: {
          cartId: `c-${i}`,
          items: [{ sku: 'A1', name: 'Boots', qty: 1, price: 80 }],
          total: 80,
          currency: 'EUR',
        },
      };
      return {
        _id: eventRecordKey({ id: event.id, customerId }),
        eventId: event.id,
        source: 'api',
        signal: event.signal,
        version: event.version,
        customerId,
        occurredAt: when,
        data: event.data,
        payloadHash: payloadHash(event),
        routing: { eventId: `${prefix}-${i}`, duplicate: false, started: 1, signalled: 0, runs: [] },
        routedAt: when,
        receivedAt: when,
      };
    });
    await EventRecord.collection.insertMany(docs as never[], { ordered: false });
  }
  return performance.now() - started;
}
