import mongoose from 'mongoose';
import { createWaymarkWorker, type WaymarkWorker } from '../../worker/create-worker';
import { Delivery, deliveryId } from '../../models/delivery';
import { Erasure } from '../../models/erasure';
import { MergeRecord } from '../../models/merge';
import { EventRecord } from '../../models/event';
import { FrequencySlot } from '../../models/frequency-slot';
import { Profile } from '../../models/profile';
import { WebMessage } from '../../models/web-message';
import { connectMongo, createSendPath, request, uid, type SendPath } from '../support/delivery';
import { workflowCodeOptions } from '../support/servers';
import { startApi, type RunningApi } from '../support/api';

const cart = (cartId: string) => ({
  cartId,
  items: [{ sku: 'A1', name: 'Boots', qty: 1, price: 80 }],
  total: 80,
  currency: 'EUR',
  url: `https://shop.example/cart/${cartId}`,
});

async function until<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not true after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// GDPR through the real server and a real worker: export, erasure with its tombstone, coming back with fresh consent.
describe('export and erasure', () => {
  let api: RunningApi;
  let worker: WaymarkWorker;
  let running: Promise<void>;
  let path: SendPath;

  beforeAll(async () => {
    await connectMongo();
    api = await startApi({ QUIET_HOURS: '' });
    worker = await createWaymarkWorker(api.config, workflowCodeOptions());
    running = worker.worker.run();
    path = createSendPath({ PUBLIC_URL: api.baseUrl, QUIET_HOURS: '', FREQUENCY_CAPS: 'email=3/week' });
  });

  afterAll(async () => {
    path.close();
    worker.worker.shutdown();
    await running;
    await worker.close();
    await api.close();
    await mongoose.disconnect();
  });

  const json = async <T>(res: Response | Promise<Response>) => {
    const r = await res;
    return { status: r.status, body: (await r.json()) as T };
  };
  const sendCart = (customerId: string, cartId: string) =>
    json<{ results: { started: number }[] }>(
      api.call('/v1/events', {
        method: 'POST',
        json: { id: `evt-${uid()}`, signal: 'cart.updated', customerId, data: cart(cartId) },
      }),
    );

  it('exports what Waymark holds, erases it, ignores later events, and lets the customer come back', async () => {
    const id = `gdpr-${uid()}`;
    const email = `${id}@example.com`;
    const put = await api.call(`/v1/profiles/${id}`, {
      method: 'PUT',
      json: { email, consent: { email: { status: 'granted' }, web: { status: 'granted' } } },
    });
    expect(put.status).toBe(200);
    // A sign-in ties a visitor's anonymous id to them: the identify record names both.
    const identified = await api.call('/v1/identify', {
      method: 'POST',
      json: { anonymousId: `anon-${uid()}`, customerId: id, source: 'web-login' },
    });
    expect(identified.status).toBe(200);
    expect((await sendCart(id, 'c-1')).body.results[0].started).toBe(1);
    const workflowId = `abandoned-cart/${id}/c-1`;
    // An email (a ledger entry with the address, a cap slot) and a web message, through the real send path.
    const mail = request(id, { workflowId: `manual/${id}`, stepId: 'email:1' });
    expect((await path.deliver(mail)).status).toBe('sent');
    const web = request(id, {
      channel: 'web',
      template: 'cart-web-nudge',
      stepId: 'web:1',
      at: new Date().toISOString(),
    });
    expect((await path.deliver(web)).status).toBe('sent');

    const exported = await until(async () => {
      const res = await json<{
        profile: { email: string };
        consents: { channel: string; status: string; source: string }[];
        events: { signal: string }[];
        deliveries: { channel: string; to?: string }[];
        webMessages: { id: string }[];
        runs: { workflowId: string; status: string }[];
      }>(api.call(`/v1/profiles/${id}/export`));
      return res.body.runs?.length ? res : undefined;
    });
    expect(exported.status).toBe(200);
    expect(exported.body.profile.email).toBe(email);
    expect(exported.body.consents).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'email', status: 'granted', source: 'api' })]),
    );
    expect(exported.body.events.map((e) => e.signal)).toContain('cart.updated');
    expect(exported.body.deliveries).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'email', to: email })]),
    );
    expect(exported.body.webMessages).toHaveLength(1);
    expect(exported.body.runs).toEqual([expect.objectContaining({ workflowId, status: 'RUNNING' })]);

    const erased = await json<{
      runsCancelled: number;
      deleted: Record<string, number>;
      ledgerEntriesRedacted: number;
    }>(api.call(`/v1/profiles/${id}`, { method: 'DELETE' }));
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({
      runsCancelled: 1,
      deleted: { profile: 1, events: exported.body.events.length, webMessages: 1, capSlots: 1, merges: 1 },
      ledgerEntriesRedacted: 2,
    });
    await until(
      async () => (await worker.temporal.workflow.getHandle(workflowId).describe()).status.name === 'CANCELLED',
    );
    expect(await Profile.findById(id).lean()).toBeNull();
    expect(await EventRecord.countDocuments({ customerId: id })).toBe(0);
    expect(await WebMessage.countDocuments({ customerId: id })).toBe(0);
    expect(await FrequencySlot.countDocuments({ customerId: id })).toBe(0);
    expect(await MergeRecord.countDocuments({ into: id })).toBe(0);
    // The ledger keeps the entry (a retried send is still answered from it) but not the address.
    const entry = await Delivery.findById(deliveryId(mail.workflowId, mail.stepId)).lean();
    expect(entry).toMatchObject({ state: 'sent' });
    expect(entry!.to).toBeUndefined();
    expect(await path.deliver(mail)).toMatchObject({ status: 'sent' });
    expect((await Delivery.find({ customerId: id }).lean()).map((d) => d.to)).toEqual([undefined, undefined]);

    // Later events for that id start nothing and are not kept; erasing again is safe.
    expect((await sendCart(id, 'c-2')).body.results[0].started).toBe(0);
    expect(await EventRecord.countDocuments({ customerId: id })).toBe(0);
    await expect(worker.temporal.workflow.getHandle(`abandoned-cart/${id}/c-2`).describe()).rejects.toThrow();
    expect((await api.call(`/v1/profiles/${id}`, { method: 'DELETE' })).status).toBe(200);
    const afterExport = await json<{ profile: unknown; erasedAt: string }>(api.call(`/v1/profiles/${id}/export`));
    expect(afterExport.body).toMatchObject({ profile: null, erasedAt: expect.any(String) });

    // Back only with a fresh consent.
    const noConsent = await api.call(`/v1/profiles/${id}`, { method: 'PUT', json: { email } });
    expect(noConsent.status).toBe(409);
    expect(await noConsent.json()).toMatchObject({ error: 'erased' });
    const back = await api.call(`/v1/profiles/${id}`, {
      method: 'PUT',
      json: { email, consent: { email: { status: 'granted' } } },
    });
    expect(back.status).toBe(200);
    expect(await Erasure.findById(id).lean()).toBeNull();
    expect((await sendCart(id, 'c-3')).body.results[0].started).toBe(1);
    await worker.temporal.workflow.getHandle(`abandoned-cart/${id}/c-3`).terminate('test done');
  });

  it('answers 404 for an export of a customer it knows nothing about', async () => {
    const res = await api.call(`/v1/profiles/nobody-${uid()}/export`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found', details: [] });
  });
});
