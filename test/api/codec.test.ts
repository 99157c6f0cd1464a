import mongoose from 'mongoose';
import { Client, Connection } from '@temporalio/client';
import { createWaymarkWorker, type WaymarkWorker } from '../../worker/create-worker';
import { connectMongo, uid } from '../support/delivery';
import { serverEnv, workflowCodeOptions } from '../support/servers';
import { CODEC_KEY, INGEST_KEY, startApi, type RunningApi } from '../support/api';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

/** Every payload in a history, as the codec server protocol carries them (base64). */
function payloadsIn(node: unknown, found: JsonPayload[] = []): JsonPayload[] {
  if (Array.isArray(node)) node.forEach((n) => payloadsIn(n, found));
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.metadata && typeof record.metadata === 'object' && record.data instanceof Uint8Array) {
      const metadata = record.metadata as Record<string, Uint8Array>;
      found.push({
        metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(record.data).toString('base64'),
      });
    } else Object.values(record).forEach((v) => payloadsIn(v, found));
  }
  return found;
}

const decoded = (p: JsonPayload) => Buffer.from(p.data ?? '', 'base64').toString('utf8');
const encoding = (p: JsonPayload) => Buffer.from(p.metadata?.encoding ?? '', 'base64').toString('utf8');

// Payloads leave Waymark encrypted; the API's codec endpoint opens them for those with a codec key (the Temporal UI).
describe('payload encryption and the codec endpoint', () => {
  let api: RunningApi;
  let worker: WaymarkWorker;
  let running: Promise<void>;
  let raw: Client;

  beforeAll(async () => {
    await connectMongo();
    api = await startApi({ CODEC_CORS_ORIGINS: 'http://127.0.0.1:8233' });
    worker = await createWaymarkWorker(api.config, workflowCodeOptions());
    running = worker.worker.run();
    // A client without the codec sees what Temporal stores.
    raw = new Client({ connection: await Connection.connect({ address: serverEnv('TEMPORAL_ADDRESS') }) });
  });

  afterAll(async () => {
    worker.worker.shutdown();
    await running;
    await worker.close();
    await raw.connection.close();
    await api.close();
    await mongoose.disconnect();
  });

  it('stores a run with nothing readable in Temporal, and decodes it through /v1/codec for a codec key', async () => {
    const customerId = `enc-${uid()}`;
    const secret = `Boots of ${uid()}`;
    expect(
      (await api.call(`/v1/profiles/${customerId}`, { method: 'PUT', json: { email: `${customerId}@example.com` } }))
        .status,
    ).toBe(200);
    const cart = { cartId: 'c-1', items: [{ sku: 'a', name: secret, qty: 1, price: 5 }], total: 5, currency: 'EUR' };
    const posted = await api.call('/v1/events', {
      method: 'POST',
      json: { id: `evt-${uid()}`, signal: 'cart.updated', customerId, data: { ...cart, url: 'https://x.test/c' } },
    });
    expect(posted.status).toBe(202);
    const workflowId = `abandoned-cart/${customerId}/c-1`;
    // The run has taken its first steps (eligibility) before its history is read.
    let payloads: JsonPayload[] = [];
    for (let i = 0; i < 100; i++) {
      const history = await raw.workflow.getHandle(workflowId).fetchHistory();
      payloads = payloadsIn(history.events);
      if (history.events!.some((e) => e.activityTaskCompletedEventAttributes)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(payloads.length).toBeGreaterThanOrEqual(3);
    // Search attributes (typed payloads) stay readable for visibility queries and carry ids, never personal data.
    const searchAttributes = payloads.filter((p) => p.metadata?.type);
    const sealed = payloads.filter((p) => !p.metadata?.type);
    expect(searchAttributes.map(decoded)).toEqual(expect.arrayContaining(['"abandoned-cart"', `"${customerId}"`]));
    expect(sealed.length).toBeGreaterThanOrEqual(3);
    expect(sealed.map(encoding).every((e) => e === 'binary/encrypted')).toBe(true);
    expect(sealed.map(decoded).join('\n')).not.toContain(secret);
    expect(sealed.map(decoded).join('\n')).not.toContain(customerId);

    const decode = await api.call('/v1/codec/decode', {
      method: 'POST',
      headers: { authorization: `Bearer ${CODEC_KEY}`, 'x-namespace': 'default' },
      json: { payloads: sealed },
    });
    expect(decode.status).toBe(200);
    const opened = ((await decode.json()) as { payloads: JsonPayload[] }).payloads;
    expect(opened.map(encoding)).toContain('json/plain');
    expect(opened.map(decoded).join('\n')).toContain(secret);

    // Encode then decode through the endpoint is the identity (the UI encodes what an operator types).
    const encoded = await api.call('/v1/codec/encode', {
      method: 'POST',
      headers: { authorization: `Bearer ${CODEC_KEY}` },
      json: { payloads: opened.slice(0, 1) },
    });
    const reopened = await api.call('/v1/codec/decode', {
      method: 'POST',
      headers: { authorization: `Bearer ${CODEC_KEY}` },
      json: await encoded.json(),
    });
    expect(((await reopened.json()) as { payloads: JsonPayload[] }).payloads).toEqual(opened.slice(0, 1));
    await worker.temporal.workflow.getHandle(workflowId).terminate('test done');
  });

  it('lets the Temporal UI call it from its origin with the key in the path; refuses other keys and origins', async () => {
    const sealed = await api.call('/v1/codec/encode', {
      method: 'POST',
      headers: { authorization: `Bearer ${CODEC_KEY}` },
      json: { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: 'e30=' }] },
    });
    const body = JSON.stringify(await sealed.json());
    const ui = 'http://127.0.0.1:8233';
    const preflight = await fetch(`${api.baseUrl}/v1/codec/${CODEC_KEY}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: ui,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ui);
    const fromUi = await fetch(`${api.baseUrl}/v1/codec/${CODEC_KEY}/decode`, {
      method: 'POST',
      headers: { origin: ui, 'content-type': 'application/json', 'x-namespace': 'default' },
      body,
    });
    expect(fromUi.status).toBe(200);
    expect(fromUi.headers.get('access-control-allow-origin')).toBe(ui);
    expect(((await fromUi.json()) as { payloads: JsonPayload[] }).payloads[0].data).toBe('e30=');

    const elsewhere = await fetch(`${api.baseUrl}/v1/codec/${CODEC_KEY}/decode`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body,
    });
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
    const post = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${api.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    expect((await post('/v1/codec/decode')).status).toBe(401);
    expect((await post('/v1/codec/decode', { authorization: `Bearer ${INGEST_KEY}` })).status).toBe(403);
    expect((await post(`/v1/codec/${INGEST_KEY}/decode`)).status).toBe(403);
    expect((await post('/v1/codec/not-a-key/decode')).status).toBe(401);
  });
});
