import mongoose from 'mongoose';
import { signCustomerToken } from '../../api/customer-token';
import { WebMessage } from '../../models/web-message';
import { connectMongo, uid } from '../support/delivery';
import { ADMIN_KEY, CODEC_KEY, INGEST_KEY, SITE_KEY, startApi, type RunningApi } from '../support/api';

// Who may call what, through the real server on a real port: scoped API keys, customer tokens, stream limits.
describe('API access', () => {
  let api: RunningApi;

  beforeAll(async () => {
    await connectMongo();
    api = await startApi({ SSE_MAX_STREAMS_PER_CUSTOMER: '2', CUSTOMER_TOKEN_TTL_SECONDS: '60' });
  });

  afterAll(async () => {
    await api.close();
    await mongoose.disconnect();
  });

  const as = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
  const mint = async (customerId: string, key = SITE_KEY) => {
    const res = await api.call('/v1/customer-tokens', { method: 'POST', json: { customerId }, ...as(key) });
    return { status: res.status, body: (await res.json()) as { token: string; expiresAt: string } };
  };
  /** A web message as a worker writes it, stamped by that worker's clock (`createdAt` given as is). */
  const storeMessage = async (customerId: string, createdAt = new Date()) => {
    const doc = {
      _id: `msg-${uid()}`,
      customerId,
      journey: 'abandoned-cart',
      template: 'cart-web-nudge',
      title: 't',
      body: 'b',
      expiresAt: new Date(Date.now() + 86_400_000),
      createdAt,
      updatedAt: createdAt,
    };
    await WebMessage.collection.insertOne(doc as never);
    return doc;
  };

  it('scopes keys: ingest may send events only, site may also mint tokens, codec neither, admin all', async () => {
    const event = { id: `scope-${uid()}`, signal: 'cart.exploded', customerId: 'x', data: {} };
    // An ingest key reaches event validation (400 for the unknown signal), not a 401/403.
    expect((await api.call('/v1/events', { method: 'POST', json: event, ...as(INGEST_KEY) })).status).toBe(400);
    expect((await api.call('/v1/events', { method: 'POST', json: event, ...as(SITE_KEY) })).status).toBe(400);
    const denied = await api.call('/v1/profiles/anyone', as(INGEST_KEY));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: 'forbidden', details: [] });
    expect((await api.call('/v1/profiles/anyone', as(SITE_KEY))).status).toBe(403);
    expect((await api.call('/v1/events', { method: 'POST', json: event, ...as(CODEC_KEY) })).status).toBe(403);
    expect((await mint('cus-1', INGEST_KEY)).status).toBe(403);
    expect((await mint('cus-1', SITE_KEY)).status).toBe(201);
    expect((await mint('cus-1', ADMIN_KEY)).status).toBe(201);
    expect((await api.call('/v1/profiles/anyone', as(ADMIN_KEY))).status).toBe(404);
    const unknown = await api.call('/v1/profiles/anyone', as('not-a-key'));
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: 'unauthorized', details: [] });
    // A prefix or an extension of a real key is not that key.
    expect((await api.call('/v1/profiles/anyone', as(ADMIN_KEY.slice(0, -1)))).status).toBe(401);
    expect((await api.call('/v1/profiles/anyone', as(`${ADMIN_KEY}x`))).status).toBe(401);
  });

  it("a customer token reads that customer's web messages and nobody else's", async () => {
    const ann = `ann-${uid()}`;
    const bob = `bob-${uid()}`;
    const message = await storeMessage(ann);
    const { body } = await mint(ann);
    expect(new Date(body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(60_000);

    const own = await api.call(`/v1/customers/${ann}/web-messages`, as(body.token));
    expect(own.status).toBe(200);
    expect(((await own.json()) as { messages: { id: string }[] }).messages.map((m) => m.id)).toEqual([message._id]);
    const viaQuery = await fetch(`${api.baseUrl}/v1/customers/${ann}/web-messages?access_token=${body.token}`);
    expect(viaQuery.status).toBe(200);

    const other = await api.call(`/v1/customers/${bob}/web-messages`, as(body.token));
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({
      error: 'forbidden',
      message: 'this customer token is for another customer',
    });
    const mark = await api.call(`/v1/customers/${bob}/web-messages/${message._id}/seen`, {
      method: 'POST',
      ...as(body.token),
    });
    expect(mark.status).toBe(403);
    // An ingest key is no way in either; no credentials at all is a 401.
    expect((await api.call(`/v1/customers/${ann}/web-messages`, as(INGEST_KEY))).status).toBe(403);
    expect((await fetch(`${api.baseUrl}/v1/customers/${ann}/web-messages`)).status).toBe(401);
  });

  it('refuses forged, altered and expired customer tokens', async () => {
    const ann = `ann-${uid()}`;
    const exp = Math.floor(Date.now() / 1000) + 60;
    const forged = signCustomerToken({ customerId: ann, exp }, 'guessed-secret');
    const { body } = await mint(`bob-${uid()}`);
    const altered = `${Buffer.from(JSON.stringify({ c: ann, exp })).toString('base64url')}.${body.token.split('.')[1]}`;
    const expired = signCustomerToken(
      { customerId: ann, exp: Math.floor(Date.now() / 1000) - 1 },
      api.config.CUSTOMER_TOKEN_SECRET,
    );
    for (const token of [forged, altered, 'not-a-token', expired]) {
      const res = await api.call(`/v1/customers/${ann}/web-messages`, as(token));
      expect(res.status).toBe(401);
      const stream = await fetch(`${api.baseUrl}/v1/customers/${ann}/web-messages/stream?access_token=${token}`);
      expect(stream.status).toBe(401);
    }
    const res = await api.call(`/v1/customers/${ann}/web-messages`, as(expired));
    expect(await res.json()).toMatchObject({
      error: 'unauthorized',
      message: 'the customer token has expired: mint a new one',
    });
  });

  it('limits open streams per customer and frees a slot when a stream closes', async () => {
    const ann = `ann-${uid()}`;
    const { body } = await mint(ann);
    const url = `${api.baseUrl}/v1/customers/${ann}/web-messages/stream?access_token=${body.token}`;
    const controllers = [new AbortController(), new AbortController()];
    const open = await Promise.all(controllers.map((c) => fetch(url, { signal: c.signal })));
    expect(open.map((r) => r.status)).toEqual([200, 200]);
    const third = await fetch(url);
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ error: 'too_many_streams' });
    // Another customer is not held back by ann's streams.
    const bob = `bob-${uid()}`;
    const bobs = new AbortController();
    const bobStream = await fetch(
      `${api.baseUrl}/v1/customers/${bob}/web-messages/stream?access_token=${(await mint(bob)).body.token}`,
      { signal: bobs.signal },
    );
    expect(bobStream.status).toBe(200);
    bobs.abort();

    controllers[0].abort();
    let again = await fetch(url);
    for (let i = 0; i < 50 && again.status === 429; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await fetch(url);
    }
    expect(again.status).toBe(200);
    await again.body?.cancel();
    controllers[1].abort();
  });

  it('streams every message, also two stamped in the same millisecond and one stamped behind by a slow clock', async () => {
    const ann = `ann-${uid()}`;
    const { body } = await mint(ann);
    const controller = new AbortController();
    const stream = await fetch(`${api.baseUrl}/v1/customers/${ann}/web-messages/stream?access_token=${body.token}`, {
      signal: controller.signal,
    });
    const reader = stream.body!.getReader();
    let received = '';
    const readUntil = async (ids: string[]) => {
      const deadline = Date.now() + 10_000;
      while (!ids.every((id) => received.includes(`id: ${id}\n`)) && Date.now() < deadline) {
        const { value } = await reader.read();
        received += new TextDecoder().decode(value);
      }
    };
    // Two workers write in the same millisecond; the stream sends the first, then the second lands.
    const at = new Date(Date.now() + 500);
    const first = await storeMessage(ann, at);
    await readUntil([first._id]);
    const twin = await storeMessage(ann, at);
    // A third worker whose clock is 5 s behind writes after both were sent.
    const late = await storeMessage(ann, new Date(at.getTime() - 5_000));
    await readUntil([twin._id, late._id]);
    controller.abort();
    const sent = [...received.matchAll(/^id: (.+)$/gm)].map((m) => m[1]);
    expect(sent.sort()).toEqual([first._id, twin._id, late._id].sort());
  });

  it('does not mount the Twilio webhooks without TWILIO_AUTH_TOKEN', async () => {
    const bare = await startApi({ TWILIO_AUTH_TOKEN: undefined as unknown as string });
    try {
      expect(bare.config.TWILIO_AUTH_TOKEN).toBeUndefined();
      const res = await fetch(`${bare.baseUrl}/v1/webhooks/twilio/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'From=%2B15551230000&Body=START',
      });
      expect(res.status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
