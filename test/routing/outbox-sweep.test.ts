// The outbox sweeper (issue 10, item 9): an event recorded while Temporal was down is answered `queued` and routed
// once Temporal is back, by the worker's scheduled sweep; no event reaches a run twice. A Temporal dev server of this
// suite's own is stopped and started again on the same data; the real API and worker are pointed at it.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/server';
import { loadConfig, type Config } from '../../config';
import { freePort } from '../../dev/free-port';
import { startStack, type Stack } from '../../dev/stack';
import { EventRecord } from '../../models/event';
import { OutboxEntry } from '../../models/outbox';
import { Profile } from '../../models/profile';
import { eventRecordKey } from '../../routing/event-identity';
import { journeyStateQuery } from '../../sdk/queries';
import { createWaymarkWorker, type WaymarkWorker } from '../../worker/create-worker';
import { ensureSchedules } from '../../worker/schedules';
import { connectTestDatabase, serverEnv, uniqueTaskQueue, workflowCodeOptions } from '../support/servers';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'waymark-outbox-'));
let port: number;
let temporal: Stack;
let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let config: Config;
let waymark: WaymarkWorker;
let running: Promise<void>;
let app: FastifyInstance;
const headers = { 'x-api-key': 'outbox-key' };

/** This suite's Temporal dev server, on its port and data file (a restart keeps every run). */
async function startTemporal(): Promise<Stack> {
  const given = { ...process.env, TEMPORAL_ADDRESS: undefined };
  return startStack({ dataDir, ports: { temporal: port }, ui: false, log: () => undefined, env: given });
}

beforeAll(async () => {
  port = await freePort();
  temporal = await startTemporal();
  db = await connectTestDatabase('outbox');
  config = loadConfig({
    ...process.env,
    TEMPORAL_ADDRESS: temporal.env.TEMPORAL_ADDRESS,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('outbox'),
    API_KEYS: 'outbox-key',
    QUIET_HOURS: '',
    OUTBOX_SWEEP_EVERY: '2 seconds',
  });
  waymark = await createWaymarkWorker(config, workflowCodeOptions());
  await ensureSchedules(waymark.temporal, config);
  running = waymark.worker.run();
  app = await buildServer({ config, temporal: waymark.temporal });
}, 120_000);

afterAll(async () => {
  await app?.close();
  waymark?.worker.shutdown();
  await running;
  await waymark?.close();
  await temporal?.stop();
  await db?.close();
});

const cart = (cartId: string) => ({
  cartId,
  items: [{ sku: 'A1', name: 'Boots', qty: 1, price: 80 }],
  total: 80,
  currency: 'EUR',
  url: `https://shop.example/cart/${cartId}`,
});

async function customer(): Promise<string> {
  const customerId = `ob-${randomUUID().slice(0, 8)}`;
  await Profile.create({
    _id: customerId,
    email: `${customerId}@example.com`,
    consent: { email: { status: 'granted' } },
  });
  return customerId;
}

async function postCart(customerId: string, id: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/events',
    headers,
    payload: { id, signal: 'cart.updated', customerId, data: cart('c1') },
  });
  expect(res.statusCode).toBe(202);
  return res.json().results[0];
}

async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not true after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function cartSignals(workflowId: string): Promise<number> {
  const history = await waymark.temporal.workflow.getHandle(workflowId).fetchHistory();
  return history.events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'cart.updated')
    .length;
}

test('events that arrive while Temporal is down are queued, then routed once each when it is back', async () => {
  const customers = [await customer(), await customer()];
  await temporal.stop();

  const answers = [];
  const t0 = Date.now();
  for (const customerId of customers) answers.push(await postCart(customerId, `${customerId}-cart`));
  console.log(`posting 2 events with Temporal down took ${Date.now() - t0} ms`);
  for (const answer of answers) {
    expect(answer).toMatchObject({ duplicate: false, started: 0, queued: expect.stringMatching(/^recorded; /) });
  }
  const keys = customers.map((customerId) => eventRecordKey({ id: `${customerId}-cart`, customerId }));
  expect(await OutboxEntry.countDocuments({ _id: { $in: keys } })).toBe(2);

  temporal = await startTemporal();
  const t1 = Date.now();

  await eventually(
    async () => (await EventRecord.countDocuments({ _id: { $in: keys }, routedAt: { $exists: true } })) === 2,
  );
  console.log(`routed ${Date.now() - t1} ms after Temporal was back`);
  expect(await OutboxEntry.countDocuments({ _id: { $in: keys } })).toBe(0);
  for (const customerId of customers) {
    const workflowId = `abandoned-cart/${customerId}/c1`;
    expect(await cartSignals(workflowId)).toBe(1);
    const handle = waymark.temporal.workflow.getHandle(workflowId);
    await eventually(async () => (await handle.query(journeyStateQuery)).step === 'cart-idle');
    // A resend now is a duplicate that names the run the sweeper entered.
    const resend = await postCart(customerId, `${customerId}-cart`);
    expect(resend).toMatchObject({
      duplicate: true,
      runs: [expect.objectContaining({ workflowId, action: 'entered' })],
    });
  }
}, 180_000);

describe('a router that died part-way (the records it leaves, as it leaves them)', () => {
  /** What a crash after signal-with-start and before the record's update leaves: unrouted record, outbox entry. */
  async function crashAfterRouting(key: string) {
    await EventRecord.updateOne({ _id: key }, { $unset: { routedAt: '', routing: '' } });
    const record = await EventRecord.findById(key).lean();
    await OutboxEntry.create({
      _id: key,
      event: {
        id: record!.eventId,
        signal: record!.signal,
        version: record!.version,
        customerId: record!.customerId,
        occurredAt: record!.occurredAt.toISOString(),
        data: record!.data,
      },
      leaseUntil: new Date(Date.now() - 1000),
    });
  }

  test('the open run it reached drops the swept copy: its idle wait is not restarted', async () => {
    const customerId = await customer();
    const workflowId = `abandoned-cart/${customerId}/c1`;
    await postCart(customerId, `${customerId}-cart`);
    const handle = waymark.temporal.workflow.getHandle(workflowId);
    const before = await eventually(async () => (await handle.query(journeyStateQuery)).wakesAt);
    const key = eventRecordKey({ id: `${customerId}-cart`, customerId });

    await crashAfterRouting(key);
    await eventually(async () => (await EventRecord.findById(key).lean())?.routedAt);
    expect(await cartSignals(workflowId)).toBe(2);
    expect((await handle.query(journeyStateQuery)).wakesAt).toBe(before);
    expect(await OutboxEntry.countDocuments({ _id: key })).toBe(0);
  }, 60_000);

  test('a run that held it and has closed since is not started again', async () => {
    const customerId = await customer();
    const workflowId = `abandoned-cart/${customerId}/c1`;
    const first = await postCart(customerId, `${customerId}-cart`);
    await waymark.temporal.workflow.getHandle(workflowId).terminate('closed for the test');
    const key = eventRecordKey({ id: `${customerId}-cart`, customerId });

    await crashAfterRouting(key);
    const record = await eventually(async () => {
      const doc = await EventRecord.findById(key).lean();
      return doc?.routedAt ? doc : undefined;
    });
    expect(record.routing).toMatchObject({
      runs: [expect.objectContaining({ action: 'skipped', reason: expect.stringMatching(/closed since/) })],
    });
    const { runId, status } = await waymark.temporal.workflow.getHandle(workflowId).describe();
    expect(runId).toBe(first.runs[0].runId);
    expect(status.name).toBe('TERMINATED');
  }, 60_000);
});

test('the schedule that sweeps is the one the worker creates, on the configured interval', async () => {
  const description = await waymark.temporal.schedule.getHandle('waymark-outbox-sweep').describe();
  expect(description.spec.intervals).toEqual([expect.objectContaining({ every: 2000 })]);
  expect(description.action).toMatchObject({ workflowType: 'outboxSweep', taskQueue: config.TEMPORAL_TASK_QUEUE });
  expect(serverEnv('TEMPORAL_ADDRESS')).not.toBe(config.TEMPORAL_ADDRESS);
});
