import { request as httpRequest } from 'node:http';
import mongoose from 'mongoose';
import { connectMongo } from '../support/delivery';
import { startApi, type RunningApi } from '../support/api';

interface ErrorBody {
  error: string;
  message: string;
  details: { field: string; rule: string; message: string }[];
}

// One error shape for every 4xx, with real field paths and rule names, through the real server on a real port.
describe('API errors', () => {
  let api: RunningApi;

  beforeAll(async () => {
    await connectMongo();
    api = await startApi();
  });

  afterAll(async () => {
    await api.close();
    await mongoose.disconnect();
  });

  const post = async (path: string, json: unknown) => {
    const res = await api.call(path, { method: 'POST', json });
    return { status: res.status, body: (await res.json()) as ErrorBody };
  };
  const cart = {
    cartId: 'c',
    items: [{ sku: 'a', name: 'A', qty: 1, price: 1 }],
    total: 1,
    currency: 'EUR',
    url: 'https://x.test/c',
  };

  it('names a wrong type in one event by its field and rule (not "body: Invalid input")', async () => {
    const { status, body } = await post('/v1/events', { id: 5, signal: 'cart.updated', customerId: 'x', data: cart });
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'validation',
      message: expect.stringContaining('id: '),
      details: [{ field: 'id', rule: 'invalid_type', message: expect.any(String) }],
    });
  });

  it('names fields inside a batch and inside the signal data', async () => {
    const batch = await post('/v1/events', {
      events: [
        { id: 'ok', signal: 'cart.updated', customerId: 'x', data: cart },
        { id: 7, signal: 'cart.updated', data: cart },
      ],
    });
    expect(batch.status).toBe(400);
    expect(batch.body.details).toEqual([expect.objectContaining({ field: 'events.1.id', rule: 'invalid_type' })]);

    const data = await post('/v1/events', {
      id: 'e',
      signal: 'cart.updated',
      customerId: 'x',
      data: { ...cart, cartId: 3 },
    });
    expect(data.status).toBe(400);
    expect(data.body.details).toEqual([expect.objectContaining({ field: 'data.cartId', rule: 'invalid_type' })]);

    const profile = await api.call('/v1/profiles/p-1', { method: 'PUT', json: { email: 'not an email', phone: 12 } });
    expect(profile.status).toBe(400);
    expect(((await profile.json()) as ErrorBody).details.map((d) => [d.field, d.rule]).sort()).toEqual([
      ['email', 'invalid_format'],
      ['phone', 'invalid_type'],
    ]);
  });

  it('names query and path parameters', async () => {
    const res = await api.call('/v1/runs?customerId=x&limit=0');
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).details).toEqual([
      expect.objectContaining({ field: 'query.limit', rule: 'too_small' }),
    ]);
    const param = await api.call(`/v1/profiles/${encodeURIComponent("x' OR 1=1")}`);
    expect(((await param.json()) as ErrorBody).details).toEqual([
      expect.objectContaining({ field: 'params.id', rule: 'invalid_format' }),
    ]);
  });

  it('gives 401, 404, 415 and a malformed body the same shape', async () => {
    const answers = [
      await fetch(`${api.baseUrl}/v1/profiles/x`),
      await api.call('/v1/nothing-here'),
      await api.call('/v1/events', { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<event/>' }),
      await api.call('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":' }),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 404, 415, 400]);
    for (const res of answers) {
      const body = (await res.json()) as ErrorBody;
      expect(Object.keys(body).sort()).toEqual(['details', 'error', 'message']);
      expect(Array.isArray(body.details)).toBe(true);
    }
  });

  it('documents a success and the error shape for every route in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${api.baseUrl}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(14);
    for (const { name, op } of operations) {
      const statuses = Object.keys(op.responses ?? {});
      expect([name, statuses.some((s) => /^2\d\d$/.test(s))]).toEqual([name, true]);
      const error = op.responses?.['401'] ?? op.responses?.['400'];
      expect([name, error?.content?.['application/json']]).toEqual([
        name,
        expect.objectContaining({ schema: expect.anything() }),
      ]);
    }
  });

  it('answers a method a path does not serve with 405 and Allow, and malformed requests with the shape too', async () => {
    const raw = (method: string, path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; allow?: string; body: ErrorBody }>((resolve, reject) => {
        const req = httpRequest(`${api.baseUrl}${path}`, { method, headers }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode!, allow: res.headers.allow, body: JSON.parse(text) as ErrorBody }),
          );
        });
        req.on('error', reject);
        req.end();
      });
    const trace = await raw('TRACE', '/v1/events');
    expect(trace).toMatchObject({ status: 405, allow: 'POST', body: { error: 'method_not_allowed', details: [] } });
    expect(await raw('PATCH', '/v1/profiles/p-1')).toMatchObject({ status: 405, allow: 'DELETE, GET, HEAD, PUT' });
    const noBoundary = await raw('PUT', '/v1/profiles/p-1', { 'content-type': 'multipart/form-data' });
    expect(noBoundary).toMatchObject({ status: 400, body: { error: 'bad_request', details: [] } });
    const long = await raw('GET', `/v1/runs/${'w'.repeat(1200)}`);
    expect(long).toMatchObject({ status: 414, body: { error: 'uri_too_long', details: [] } });
    const huge = await raw('GET', `/v1/why?token=${'%F0%9F%98%80'.repeat(2000)}&journey=x`);
    expect(huge).toMatchObject({ status: 431, body: { error: 'request_header_fields_too_large', details: [] } });
    // Data stored as it is must have keys MongoDB can store.
    const keys = await api.call('/v1/profiles/p-1', { method: 'PUT', json: { attributes: { ok: { 'a.b': 1 } } } });
    expect(keys.status).toBe(400);
    expect(((await keys.json()) as ErrorBody).details).toEqual([
      expect.objectContaining({ field: 'attributes.ok.a.b', rule: 'custom' }),
    ]);
  });
});
