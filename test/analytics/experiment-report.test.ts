// An experiment with three arms and a holdout over 1,000 customers, on the dev server with the real worker
// (createWaymarkWorker), the real router, the real send path (SMTP sink, Twilio sink, web inbox) and the real ledger.
// Each arm converts at a known rate (the test sends orders for exactly that share of the arm's customers, and empties
// the others' carts); the report, read through the API and the CLI, must count what happened and name the winner.
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../config';
import { buildServer } from '../../api/server';
import { createWaymarkWorker, type WaymarkWorker } from '../../worker/create-worker';
import { createEventRouter } from '../../routing/event-router';
import { routeInCustomerOrder } from '../../routing/route-batch';
import { Delivery } from '../../models/delivery';
import { ExperimentEntry } from '../../models/experiment-entry';
import { Profile } from '../../models/profile';
import { journeyStateQuery } from '../../sdk/queries';
import type { JourneyEvent } from '../../signals';
import type { RouteEvent } from '../../sdk/contracts/routing';
import { runCli } from '../support/cli';
import { connectTestDatabase, serverEnv, uniqueTaskQueue } from '../support/servers';
import { abandonedCartV90, REMINDER_EXPERIMENT } from './fixtures/experiment-workflows';

const API_KEY = 'experiments-key';
const CUSTOMERS = 1000;
/** The known conversion rate of each arm: the share of its customers who order. */
const RATES: Record<string, number> = { holdout: 0.04, email: 0.12, web: 0.08, sms: 0.2 };
/** Customers routed at a time (see the test). */
const BATCH = 100;
const WORKFLOWS = require.resolve('./fixtures/experiment-workflows');
const workflowIdOf = (customerId: string) => `abandoned-cart/${customerId}/cart-1`;

let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let config: Config;
let waymark: WaymarkWorker;
let running: Promise<void>;
let app: FastifyInstance;
let route: RouteEvent;
const tag = Math.random().toString(36).slice(2, 7);

beforeAll(async () => {
  db = await connectTestDatabase('experiments');
  config = loadConfig({
    ...process.env,
    TEMPORAL_ADDRESS: serverEnv('TEMPORAL_ADDRESS'),
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('experiments'),
    API_KEYS: API_KEY,
    QUIET_HOURS: '',
  });
  waymark = await createWaymarkWorker(config, { workflowsPath: WORKFLOWS });
  running = waymark.worker.run();
  app = await buildServer({ config, temporal: waymark.temporal });
  route = createEventRouter({
    client: waymark.temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    catalog: [abandonedCartV90],
  });
}, 180_000);

afterAll(async () => {
  await app?.close();
  waymark?.worker.shutdown();
  await running;
  await waymark?.close();
  await db?.close();
});

async function get(url: string) {
  const res = await app.inject({ url, headers: { 'x-api-key': API_KEY } });
  return { status: res.statusCode, body: res.json() };
}

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not true after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function inLanes<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, lanes = 16): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    }),
  );
  return results;
}

const cart = (cartId: string) => ({
  cartId,
  items: [{ sku: 'A1', name: 'Trail boots', qty: 1, price: 80 }],
  total: 80,
  currency: 'EUR',
  url: `https://shop.example/cart/${cartId}`,
});

function event(signal: string, customerId: string, id: string, data: unknown): JourneyEvent {
  return { id, signal, version: 1, customerId, occurredAt: new Date().toISOString(), data };
}

async function createCustomers(prefix: string, n: number, phoneBase: number) {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
  const granted = { status: 'granted' };
  await Profile.insertMany(
    ids.map((id, i) => ({
      _id: id,
      email: `${id}@example.test`,
      phone: `+1${phoneBase + i}`,
      timeZone: 'UTC',
      consent: { email: granted, sms: granted, web: granted },
    })),
  );
  return ids;
}

const phases: string[] = [];
let phaseStart = Date.now();
const phase = (name: string) => {
  phases.push(`${name} ${Date.now() - phaseStart} ms`);
  process.stdout.write(`[experiment] ${name}: ${Date.now() - phaseStart} ms\n`);
  phaseStart = Date.now();
};

test('three arms and a holdout over 1,000 customers: the counts match what happened and the best arm wins', async () => {
  phaseStart = Date.now();
  const ids = await createCustomers(`exp-${tag}`, CUSTOMERS, 5_550_000_000);
  phase('profiles');

  // The customers come in batches, each routed once the one before has entered and sent, so a loaded machine sees a
  // bounded number of runs in flight (a thousand at once starve the worker's workflow tasks past their timeout).
  // Which arm each run got is what the run itself says (its `state` query), not the records under test.
  const byArm = new Map<string, string[]>();
  let treated = 0;
  for (let from = 0; from < CUSTOMERS; from += BATCH) {
    const batch = ids.slice(from, from + BATCH);
    await routeInCustomerOrder(
      batch.map((id) => event('cart.updated', id, `${id}-cart`, cart('cart-1'))),
      route,
    );
    const entered = from + batch.length;
    await eventually(async () => (await ExperimentEntry.countDocuments()) === entered, `${entered} runs entered`);
    const arms = await inLanes(batch, async (id) => {
      const state = await waymark.temporal.workflow.getHandle(workflowIdOf(id)).query(journeyStateQuery);
      return state.splits[`experiment:${REMINDER_EXPERIMENT}`]!;
    });
    arms.forEach((arm, i) => byArm.set(arm, [...(byArm.get(arm) ?? []), batch[i]]));
    treated += arms.filter((arm) => arm !== 'holdout').length;
    await eventually(
      async () => (await Delivery.countDocuments({ state: 'sent' })) === treated,
      `the ${treated} treated runs of the first ${entered} sent their message`,
    );
  }
  phase('entered and sent');
  expect([...byArm.keys()].sort()).toEqual(['email', 'holdout', 'sms', 'web']);
  expect(treated).toBe(CUSTOMERS - byArm.get('holdout')!.length);

  // Exactly the known share of each arm's customers orders; the others empty their carts, which ends their runs.
  const converting = new Map<string, string[]>();
  for (const [arm, customers] of byArm)
    converting.set(arm, customers.slice(0, Math.round(RATES[arm] * customers.length)));
  const orders = new Set([...converting.values()].flat());
  for (let from = 0; from < CUSTOMERS; from += BATCH) {
    const batch = ids.slice(from, from + BATCH);
    await routeInCustomerOrder(
      batch.map((id) =>
        orders.has(id)
          ? event('order.completed', id, `${id}-order`, { orderId: `o-${id}`, cartId: 'cart-1', total: 80 })
          : event('cart.updated', id, `${id}-emptied`, { ...cart('cart-1'), items: [], total: 0 }),
      ),
      route,
    );
    const ended = from + batch.length;
    await eventually(
      async () => (await ExperimentEntry.countDocuments({ endedAt: { $exists: true } })) === ended,
      `the first ${ended} runs ended and recorded their outcome`,
    );
  }
  phase('orders and emptied carts routed, runs ended');

  const { status, body: report } = await get(`/v1/experiments/${REMINDER_EXPERIMENT}`);
  expect(status).toBe(200);
  expect(report).toMatchObject({ experiment: REMINDER_EXPERIMENT, entries: CUSTOMERS });
  expect(report.journeys).toEqual([{ journey: 'abandoned-cart', versions: [90] }]);
  for (const [arm, customers] of byArm) {
    const row = report.arms.find((a: { arm: string }) => a.arm === arm);
    expect(row).toMatchObject({
      arm,
      entries: customers.length,
      ended: customers.length,
      converted: converting.get(arm)!.length,
      messages: arm === 'holdout' ? {} : { sent: customers.length },
    });
    expect(row.conversionRate).toBeCloseTo(converting.get(arm)!.length / customers.length, 10);
  }
  expect(report.winner).toBe('sms');
  const sms = report.arms.find((a: { arm: string }) => a.arm === 'sms');
  expect(sms.vsHoldout.pValue).toBeLessThan(0.05 / 3);
  expect(sms.vsHoldout.uplift).toBeCloseTo(
    converting.get('sms')!.length / byArm.get('sms')!.length -
      converting.get('holdout')!.length / byArm.get('holdout')!.length,
    10,
  );
  expect(report.verdict).toMatch(/^sms wins \(vs holdout p=.* vs web p=|^sms wins \(vs holdout p=.* vs email p=/);

  const list = await get('/v1/experiments');
  expect(list.body.experiments).toEqual([
    { experiment: REMINDER_EXPERIMENT, journeys: ['abandoned-cart'], entries: CUSTOMERS },
  ]);

  // The CLI prints the same table from the same records.
  const cli = await runCli(['experiments', REMINDER_EXPERIMENT], { ...process.env, MONGODB_URI: db.uri });
  expect(cli.stderr).toBe('');
  expect(cli.status).toBe(0);
  process.stdout.write(`${cli.stdout}\n`);
  expect(cli.stdout).toContain(`experiment ${REMINDER_EXPERIMENT} (abandoned-cart v90): ${CUSTOMERS} entries`);
  const smsLine = cli.stdout.split('\n').find((l) => l.startsWith('sms '))!;
  expect(smsLine.split(/\s{2,}/).slice(0, 5)).toEqual([
    'sms',
    String(byArm.get('sms')!.length),
    String(byArm.get('sms')!.length),
    String(byArm.get('sms')!.length),
    String(converting.get('sms')!.length),
  ]);
  expect(cli.stdout).toMatch(/\nsms wins /);
  phase('report checked');
}, 900_000);

test('an experiment nobody entered is a 404; a malformed name is a 400 naming the field', async () => {
  expect(await get('/v1/experiments/no-such-thing')).toMatchObject({ status: 404 });
  const bad = await get('/v1/experiments/Not_Kebab');
  expect(bad.status).toBe(400);
  expect(bad.body.details[0].field).toBe('params.name');
});
