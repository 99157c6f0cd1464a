// Promoting an experiment's winner through the API, on the time-skipping server with the real worker: a run that
// started before the promotion enters the experiment after it and keeps its weighted arm; a run that starts after it
// gets the winner; both replay deterministically from their histories.
import type { FastifyInstance } from 'fastify';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { waymarkDataConverter } from '../../codec/data-converter';
import { buildServer } from '../../api/server';
import { createWaymarkWorker, type WaymarkWorker } from '../../worker/create-worker';
import { createEventRouter } from '../../routing/event-router';
import { ExperimentEntry } from '../../models/experiment-entry';
import { Profile } from '../../models/profile';
import { experimentWeights } from '../../sdk/experiment';
import { assignArm } from '../../sdk/split';
import type { RouteEvent } from '../../sdk/contracts/routing';
import type { JourneyEvent } from '../../signals';
import { connectTestDatabase, uniqueTaskQueue } from '../support/servers';
import { createTimeSkippingEnv } from '../support/time-skipping';
import { abandonedCartV91, REMINDER_EXPERIMENT } from './fixtures/experiment-workflows';

const API_KEY = 'promotion-key';
const WORKFLOWS = require.resolve('./fixtures/experiment-workflows');

let env: TestWorkflowEnvironment;
let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let waymark: WaymarkWorker;
let running: Promise<void>;
let app: FastifyInstance;
let route: RouteEvent;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  db = await connectTestDatabase('experiment-promotion');
  const config = loadConfig({
    ...process.env,
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('promotion'),
    API_KEYS: API_KEY,
    QUIET_HOURS: '',
  });
  waymark = await createWaymarkWorker(config, { workflowsPath: WORKFLOWS });
  running = waymark.worker.run();
  app = await buildServer({ config, temporal: waymark.temporal });
  route = createEventRouter({
    client: waymark.temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    catalog: [abandonedCartV91],
  });
}, 180_000);

afterAll(async () => {
  await app?.close();
  waymark?.worker.shutdown();
  await running;
  await waymark?.close();
  await db?.close();
  await env?.teardown();
});

const cart = (items: number) => ({
  cartId: 'cart-1',
  items: Array.from({ length: items }, () => ({ sku: 'A1', name: 'Trail boots', qty: 1, price: 80 })),
  total: 80 * items,
  currency: 'EUR',
  url: 'https://shop.example/cart/1',
});

function event(signal: string, customerId: string, id: string, data: unknown): JourneyEvent {
  return { id, signal, version: 1, customerId, occurredAt: new Date().toISOString(), data };
}

async function eventually<T>(check: () => Promise<T | null | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not after 60 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const promote = (payload: object) =>
  app.inject({
    method: 'POST',
    url: `/v1/experiments/${REMINDER_EXPERIMENT}/promotion`,
    headers: { 'x-api-key': API_KEY },
    payload,
  });

test('promoting a winner changes new entries only; a run in flight keeps its arm and both replay as recorded', async () => {
  const weights = experimentWeights(['email', 'web', 'sms'], 0.25);
  const granted = { status: 'granted' };
  const ids = Array.from({ length: 20 }, (_, i) => `promo-${Date.now().toString(36)}-${i}`);
  await Profile.insertMany(
    ids.map((id, i) => ({
      _id: id,
      email: `${id}@example.test`,
      phone: `+1556${String(Date.now() % 1e6).padStart(6, '0')}${i}`.slice(0, 13),
      consent: { email: granted, sms: granted, web: granted },
    })),
  );
  const workflowId = (id: string) => `abandoned-cart/${id}/cart-1`;
  // A customer whose weighted arm is not the one about to be promoted, so keeping it is visible.
  const before = ids.find((id) => assignArm(workflowId(id), REMINDER_EXPERIMENT, weights) !== 'sms')!;
  const after = ids.find((id) => id !== before)!;

  // Nobody has entered yet: there is nothing to promote.
  expect((await promote({ arm: 'sms' })).statusCode).toBe(404);
  const first = ids.find((id) => id !== before && id !== after)!;
  await route(event('cart.updated', first, `${first}-cart`, cart(1)));
  await env.sleep('61 minutes');
  await eventually(() => ExperimentEntry.findOne({ customerId: first }).lean(), 'the first entry');

  // `before` starts, then sits idle for an hour: it is in flight when the winner is promoted for runs starting later.
  await route(event('cart.updated', before, `${before}-cart`, cart(1)));
  const promotedFrom = new Date((await env.currentTimeMs()) + 1000).toISOString();
  const unknown = await promote({ arm: 'fax' });
  expect(unknown.statusCode).toBe(400);
  expect(unknown.json().message).toMatch(/has arms /);
  expect((await promote({ arm: 'sms', from: promotedFrom })).statusCode).toBe(201);
  await env.sleep('2 seconds');
  await route(event('cart.updated', after, `${after}-cart`, cart(1)));
  await env.sleep('61 minutes'); // both enter the experiment now, after the promotion
  const [beforeEntry, afterEntry] = await Promise.all(
    [before, after].map((id) => eventually(() => ExperimentEntry.findOne({ customerId: id }).lean(), id)),
  );
  expect(beforeEntry).toMatchObject({
    arm: assignArm(workflowId(before), REMINDER_EXPERIMENT, weights),
    assignedBy: 'random',
  });
  expect(afterEntry).toMatchObject({ arm: 'sms', assignedBy: 'promoted' });

  // End both runs; their histories replay with the promotion in place: the arm is in each history.
  for (const id of [before, after, first]) {
    await route(event('cart.updated', id, `${id}-emptied`, cart(0)));
  }
  for (const id of [before, after]) {
    const handle = waymark.temporal.workflow.getHandle(workflowId(id));
    expect(await handle.result()).toMatchObject({ outcome: 'exited', reason: 'cart emptied' });
    await Worker.runReplayHistory(
      { workflowsPath: WORKFLOWS, dataConverter: waymarkDataConverter(loadConfig(process.env)) },
      await handle.fetchHistory(),
      handle.workflowId,
    );
  }

  const report = (
    await app.inject({ url: `/v1/experiments/${REMINDER_EXPERIMENT}`, headers: { 'x-api-key': API_KEY } })
  ).json();
  expect(report.promotion).toMatchObject({ arm: 'sms', promotedAt: promotedFrom, entriesSince: 1 });
  expect(report.entries).toBe(2); // the promoted entry is not part of the experiment's sample
}, 240_000);
