import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../config';
import { buildServer } from '../../api/server';
import { connectTemporal, connectTestDatabase, uniqueTaskQueue } from '../support/servers';

const cart = (cartId: string) => ({
  cartId,
  items: [{ sku: 'A1', name: 'Boots', qty: 1, price: 80 }],
  total: 80,
  currency: 'EUR',
  url: `https://shop.example/cart/${cartId}`,
});

describe('HTTP API', () => {
  let app: FastifyInstance;
  let db: Awaited<ReturnType<typeof connectTestDatabase>>;
  let temporal: Awaited<ReturnType<typeof connectTemporal>>;
  const headers = { 'x-api-key': 'test-key' };
  const suffix = Date.now().toString(36);

  beforeAll(async () => {
    db = await connectTestDatabase('api');
    temporal = await connectTemporal();
    // A task queue no worker polls: the runs are created and inspected, not executed.
    const config = loadConfig({ ...process.env, API_KEYS: 'test-key', TEMPORAL_TASK_QUEUE: uniqueTaskQueue('api') });
    app = await buildServer({ config, temporal: temporal.client });
    const profile = {
      email: `ann-${suffix}@example.com`,
      consent: { email: { status: 'granted' } },
    };
    const put = await app.inject({ method: 'PUT', url: `/v1/profiles/ann-${suffix}`, headers, payload: profile });
    expect(put.statusCode).toBe(200);
  });

  afterAll(async () => {
    await app.close();
    await temporal.close();
    await db.close();
  });

  it('refuses requests without an API key', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload: {} });
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/API key/);
  });

  it('answers 400 naming each bad field and the rule', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers,
      payload: {
        events: [{ id: 'e1', signal: 'cart.updated', customerId: 'x', data: { ...cart('c'), total: 'a lot' } }],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([
      expect.objectContaining({ field: 'events.0.data.total', rule: 'invalid_type' }),
    ]);
  });

  it('answers 400 for an unknown signal, listing the known ones', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers,
      payload: { id: 'e2', signal: 'cart.exploded', customerId: 'x', data: {} },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/unknown signal 'cart.exploded'; known: .*cart.updated/);
  });

  it('answers 422 when the customer cannot be resolved', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers,
      payload: { id: `e3-${suffix}`, signal: 'cart.updated', email: 'nobody@example.com', data: cart('c') },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toMatch(/PUT \/v1\/profiles/);
  });

  it('answers 409 when another profile has the email', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: `/v1/profiles/bob-${suffix}`,
      headers,
      payload: { email: `ann-${suffix}@example.com` },
    });
    expect(res.statusCode).toBe(409);
  });

  it('resolves the customer by email, starts one run under the deterministic id, and ignores a repeat', async () => {
    const event = {
      id: `evt-${suffix}`,
      signal: 'cart.updated',
      email: `ANN-${suffix}@example.com`,
      data: cart('c-9'),
    };
    const first = await app.inject({ method: 'POST', url: '/v1/events', headers, payload: event });
    const again = await app.inject({ method: 'POST', url: '/v1/events', headers, payload: event });
    expect(first.statusCode).toBe(202);
    const workflowId = `abandoned-cart/ann-${suffix}/c-9`;
    expect(first.json().results[0]).toMatchObject({
      customerId: `ann-${suffix}`,
      duplicate: false,
      runs: [{ journey: 'abandoned-cart', workflowId, action: 'entered' }],
    });
    expect(again.json().results[0]).toMatchObject({ duplicate: true });

    const handle = temporal.client.workflow.getHandle(workflowId);
    const history = await handle.fetchHistory();
    const signals = history.events!.filter((e) => e.workflowExecutionSignaledEventAttributes);
    expect(signals.map((e) => e.workflowExecutionSignaledEventAttributes!.signalName)).toEqual(['cart.updated']);
    const description = await handle.describe();
    expect(description.type).toBe('abandonedCartV2');
    await handle.terminate('test done');
  });

  it('serves the journey and signal catalogs and the OpenAPI document', async () => {
    const journeys = await app.inject({ method: 'GET', url: '/v1/journeys', headers });
    expect(journeys.json().journeys.map((j: { name: string }) => j.name)).toEqual(
      expect.arrayContaining(['abandoned-cart', 'renewal-window', 'dependent-turning-26']),
    );
    const signals = await app.inject({ method: 'GET', url: '/v1/signals', headers });
    const cartSignal = signals.json().signals.find((s: { name: string }) => s.name === 'cart.updated');
    expect(cartSignal.schema.required).toEqual(expect.arrayContaining(['cartId']));
    const docs = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(Object.keys(docs.json().paths)).toEqual(expect.arrayContaining(['/v1/events', '/v1/profiles/{id}']));
  });
});
