// POST /v1/events (issue 10, items 7 and 8) through the real server: an event id reused with another payload is a
// 409 that says so; oversized data is a 400 naming the field, an oversized body a 413; nothing of either is routed.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../config';
import { API_BODY_LIMIT_BYTES, buildServer } from '../../api/server';
import { EventRecord } from '../../models/event';
import { MAX_EVENT_DATA_BYTES } from '../../signals';
import { connectTemporal, connectTestDatabase, uniqueTaskQueue } from '../support/servers';

let app: FastifyInstance;
let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
const headers = { 'x-api-key': 'test-key' };

beforeAll(async () => {
  db = await connectTestDatabase('api-limits');
  temporal = await connectTemporal();
  // A task queue no worker polls: runs are created, not executed.
  const config = loadConfig({ ...process.env, API_KEYS: 'test-key', TEMPORAL_TASK_QUEUE: uniqueTaskQueue('limits') });
  app = await buildServer({ config, temporal: temporal.client });
});
afterAll(async () => {
  await app.close();
  await temporal.close();
  await db.close();
});

const cart = (total: number, items = 1, name = 'Boots') => ({
  cartId: 'c1',
  items: Array.from({ length: items }, (_, i) => ({ sku: `A${i}`, name, qty: 1, price: total })),
  total,
  currency: 'EUR',
  url: 'https://shop.example/cart/c1',
});
const post = (payload: object) => app.inject({ method: 'POST', url: '/v1/events', headers, payload });

test('the same event id with another payload answers 409 naming the id; a true resend answers duplicate', async () => {
  const customerId = `lim-${randomUUID().slice(0, 8)}`;
  const event = { id: 'evt-1', signal: 'cart.updated', customerId, data: cart(80) };
  expect((await post(event)).statusCode).toBe(202);
  expect((await post(event)).json().results[0]).toMatchObject({ duplicate: true });

  const changed = await post({ ...event, data: cart(95) });
  expect(changed.statusCode).toBe(409);
  expect(changed.json()).toMatchObject({
    error: 'event_id_conflict',
    message: expect.stringMatching(/^id: event id 'evt-1' \(source api\) was first received at .* different payload/),
  });

  // The same id from another source is another event.
  expect((await post({ ...event, source: 'pos', data: cart(95) })).json().results[0]).toMatchObject({
    duplicate: false,
  });
  await temporal.client.workflow.getHandle(`abandoned-cart/${customerId}/c1`).terminate('test done');
});

test('data over the per-event limit is a 400 naming the field; a body over the limit is a 413', async () => {
  const customerId = `lim-${randomUUID().slice(0, 8)}`;
  const huge = { id: 'big', signal: 'cart.updated', customerId, data: cart(1, 1, 'x'.repeat(MAX_EVENT_DATA_BYTES)) };
  const tooBig = await post({ events: [{ ...huge, id: 'fine', data: cart(1) }, huge] });
  expect(tooBig.statusCode).toBe(400);
  expect(tooBig.json().details).toEqual([
    expect.objectContaining({ field: 'events.1.data', rule: 'too_big', message: expect.stringMatching(/at most/) }),
  ]);

  const longName = await post({ ...huge, data: cart(1, 1, 'x'.repeat(501)) });
  expect(longName.statusCode).toBe(400);
  expect(longName.json().details).toEqual([expect.objectContaining({ field: 'data.items.0.name', rule: 'too_big' })]);

  const manyItems = await post({ ...huge, data: cart(1, 101) });
  expect(manyItems.json().details).toEqual([expect.objectContaining({ field: 'data.items', rule: 'too_big' })]);

  const batch = Array.from({ length: 20 }, (_, i) => ({ ...huge, id: `b${i}`, data: cart(1, 1, 'x'.repeat(60_000)) }));
  const body = JSON.stringify({ events: batch });
  expect(body.length).toBeGreaterThan(API_BODY_LIMIT_BYTES);
  const tooLarge = await app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...headers, 'content-type': 'application/json' },
    payload: body,
  });
  expect(tooLarge.statusCode).toBe(413);
  expect(tooLarge.json()).toMatchObject({ details: [expect.objectContaining({ field: 'body', rule: 'too_big' })] });

  expect(await EventRecord.countDocuments({ customerId })).toBe(0);
});
