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
    expect(description.type).toBe('abandonedCartV3');
    await handle.terminate('test done');
  });

  it('accepts the API key as a bearer token', async () => {
    const res = await app.inject({
      url: '/v1/profiles/nobody-here',
      headers: { authorization: 'Bearer test-key' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found' });
    const noRoute = await app.inject({ url: '/v1/nothing-here', headers });
    expect(noRoute.statusCode).toBe(404);
    expect(noRoute.json()).toMatchObject({ error: 'not_found' });
    const wrong = await app.inject({ url: '/v1/profiles/nobody-here', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
  });

  it('refuses a customer id that could not be used safely in workflow ids and visibility queries', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers,
      payload: { id: 'e4', signal: 'cart.updated', customerId: "x' OR 1=1", data: cart('c') },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([expect.objectContaining({ field: 'customerId', rule: 'invalid_format' })]);
  });

  it('routes nothing from a batch in which one customer cannot be resolved, and names that event', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers,
      payload: {
        events: [
          { id: `b1-${suffix}`, signal: 'cart.updated', customerId: `ann-${suffix}`, data: cart('batch-1') },
          { id: `b2-${suffix}`, signal: 'cart.updated', email: `nobody-${suffix}@example.com`, data: cart('batch-2') },
        ],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().details).toEqual([
      expect.objectContaining({ field: 'events.1.email', rule: 'unresolved_customer' }),
    ]);
    await expect(
      temporal.client.workflow.getHandle(`abandoned-cart/ann-${suffix}/batch-1`).describe(),
    ).rejects.toThrow();
  });

  it("routes a batch's events of one customer in the order sent, other customers' at once", async () => {
    const customers = Array.from({ length: 6 }, (_, i) => `batch-${i}-${suffix}`);
    const events = customers.flatMap((customerId) => [
      { id: `cart-${customerId}`, signal: 'cart.updated', customerId, data: cart('b') },
      {
        id: `order-${customerId}`,
        signal: 'order.completed',
        customerId,
        data: { orderId: 'o', cartId: 'b', total: 80 },
      },
    ]);
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers, payload: { events } });
    expect(res.statusCode).toBe(202);
    const results: { id: string; runs: { journey: string; action: string }[] }[] = res.json().results;
    expect(results.map((r) => r.id)).toEqual(events.map((e) => e.id));
    // The order reached the run the cart update had started: it was not routed before that run existed.
    const cartRuns = (r: (typeof results)[number]) => r.runs.filter((run) => run.journey === 'abandoned-cart');
    expect(
      results.map((r) =>
        cartRuns(r)
          .map((run) => run.action)
          .join(),
      ),
    ).toEqual(customers.flatMap(() => ['entered', 'signalled']));
    for (const customerId of customers) {
      await temporal.client.workflow.getHandle(`abandoned-cart/${customerId}/b`).terminate('test done');
    }
  });

  it("lists a customer's runs from Temporal visibility and shows one run", async () => {
    const customerId = `carl-${suffix}`;
    const payload = {
      events: [
        { id: `r1-${suffix}`, signal: 'cart.updated', customerId, data: cart('c-1') },
        {
          id: `r2-${suffix}`,
          signal: 'policy.renewal-due',
          customerId,
          data: { policyId: 'p-1', renewalDate: '2030-01-01' },
        },
      ],
    };
    const posted = await app.inject({ method: 'POST', url: '/v1/events', headers, payload });
    expect(posted.statusCode).toBe(202);

    let runs: { workflowId: string; journey: string; version: number; status: string }[] = [];
    for (let attempt = 0; attempt < 100 && runs.length < 2; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 100));
      runs = (await app.inject({ url: `/v1/runs?customerId=${customerId}`, headers })).json().runs;
    }
    expect(runs.map((r) => [r.workflowId, r.journey, r.status]).sort()).toEqual([
      [`abandoned-cart/${customerId}/c-1`, 'abandoned-cart', 'RUNNING'],
      [`renewal-window/${customerId}/p-1`, 'renewal-window', 'RUNNING'],
    ]);
    expect(runs.find((r) => r.journey === 'abandoned-cart')!.version).toBe(3);

    const one = await app.inject({ url: `/v1/runs/${encodeURIComponent(runs[0].workflowId)}`, headers });
    expect(one.json()).toMatchObject({ workflowId: runs[0].workflowId, status: 'RUNNING' });
    const missing = await app.inject({ url: '/v1/runs/no-such-run', headers });
    expect(missing.statusCode).toBe(404);
    for (const run of runs) await temporal.client.workflow.getHandle(run.workflowId).terminate('test done');
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
