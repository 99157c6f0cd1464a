// Event dedupe (issue 10, item 8) against the real dev server and MongoDB: scoped by source and customer, with a
// payload hash; a unique insert decides between concurrent copies; audience re-entry is decided by the run's state.
// Journey runs go to a task queue no worker polls (created, signalled and closed by the tests), except where a run
// must end on its own.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { renewalWindowAudience } from '../../journeys';
import { EventIdConflict } from '../../routing/event-conflict';
import { routeEvent, type RouterDeps } from '../../routing/event-router';
import type { JourneyEvent } from '../../signals';
import { DAY_MS } from '../../sdk/durations';
import { connectTemporal, connectTestDatabase, uniqueTaskQueue, workflowCodeOptions } from '../support/servers';

let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let deps: RouterDeps;

beforeAll(async () => {
  db = await connectTestDatabase('dedupe');
  temporal = await connectTemporal();
  deps = { client: temporal.client, taskQueue: uniqueTaskQueue('dedupe') };
});
afterAll(async () => {
  await temporal.close();
  await db.close();
});

const customer = () => `dd-${randomUUID().slice(0, 8)}`;
const cart = (cartId: string, total = 80) => ({
  cartId,
  items: [{ sku: 'A1', name: 'Boots', qty: 1, price: total }],
  total,
  currency: 'EUR',
  url: `https://shop.example/cart/${cartId}`,
});
const cartEvent = (customerId: string, id: string, data = cart('c1'), source?: string): JourneyEvent => ({
  id,
  ...(source ? { source } : {}),
  signal: 'cart.updated',
  version: 1,
  customerId,
  occurredAt: new Date().toISOString(),
  data,
});

async function signalsReceived(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return history.events!.flatMap((e) => {
    const signal = e.workflowExecutionSignaledEventAttributes;
    return signal ? [signal.signalName!] : [];
  });
}

test('the same id with a different payload is a conflict that names the first, and routes nothing', async () => {
  const id = customer();
  await routeEvent(deps, cartEvent(id, 'evt-1', cart('c1', 80)));
  const conflict = routeEvent(deps, cartEvent(id, 'evt-1', cart('c1', 95)));
  await expect(conflict).rejects.toBeInstanceOf(EventIdConflict);
  await expect(conflict).rejects.toThrow(/event id 'evt-1' \(source api\) was first received at .* different payload/);
  expect(await signalsReceived(temporal.client, `abandoned-cart/${id}/c1`)).toEqual(['cart.updated']);
  await temporal.client.workflow.getHandle(`abandoned-cart/${id}/c1`).terminate('test done');
});

test('of 20 concurrent copies of an event, exactly one routes it and 19 answer duplicate: true', async () => {
  const id = customer();
  const copy = cartEvent(id, 'evt-concurrent');
  const reports = await Promise.all(Array.from({ length: 20 }, () => routeEvent(deps, { ...copy })));
  expect(reports.filter((r) => !r.duplicate)).toHaveLength(1);
  expect(reports.filter((r) => r.duplicate)).toHaveLength(19);
  expect(await signalsReceived(temporal.client, `abandoned-cart/${id}/c1`)).toEqual(['cart.updated']);
  await temporal.client.workflow.getHandle(`abandoned-cart/${id}/c1`).terminate('test done');
});

test('an event id reused by another customer, or by another source, is not a duplicate', async () => {
  const [ann, bob] = [customer(), customer()];
  const forAnn = await routeEvent(deps, cartEvent(ann, 'order-form-42'));
  const forBob = await routeEvent(deps, cartEvent(bob, 'order-form-42', cart('c9')));
  expect(forBob).toMatchObject({ duplicate: false, started: 1 });
  expect(forBob.runs).toEqual([expect.objectContaining({ workflowId: `abandoned-cart/${bob}/c9`, action: 'entered' })]);
  expect(JSON.stringify(forBob)).not.toContain(ann);

  const fromPos = await routeEvent(deps, cartEvent(ann, 'order-form-42', cart('c1'), 'pos'));
  expect(fromPos).toMatchObject({ duplicate: false });
  expect(await signalsReceived(temporal.client, `abandoned-cart/${ann}/c1`)).toEqual(['cart.updated', 'cart.updated']);
  expect(forAnn.duplicate).toBe(false);
  for (const who of [`${ann}/c1`, `${bob}/c9`]) {
    await temporal.client.workflow.getHandle(`abandoned-cart/${who}`).terminate('test done');
  }
});

describe('audience re-entry, decided by the run', () => {
  /** The daily scan's event for a policy renewing on `renewal`, as the scan of `scanDay` emits it. */
  const scanned = (customerId: string, renewal: Date, scanDay: Date) =>
    renewalWindowAudience.matchesOf(
      { _id: customerId, policies: [{ policyId: 'pol-1', status: 'active', renewalDate: renewal }] },
      { start: scanDay, end: new Date(scanDay.getTime() + 30 * DAY_MS) },
    )[0].event;

  test('a run that ended early is entered again by a later scan of the same date; an open one is not', async () => {
    const id = customer();
    const today = new Date(Date.UTC(2031, 4, 1));
    const renewal = new Date(today.getTime() + 20 * DAY_MS);
    const first = await routeEvent(deps, scanned(id, renewal, today));
    expect(first).toMatchObject({ duplicate: false, started: 1 });
    const workflowId = first.runs[0].workflowId;

    // Tomorrow's scan, the run still open: the same date, nothing new.
    const tomorrow = scanned(id, renewal, new Date(today.getTime() + DAY_MS));
    expect(tomorrow.id).toBe(first.eventId);
    expect(await routeEvent(deps, tomorrow)).toMatchObject({ duplicate: true });

    // An operator stopped the run (it ended early): the next scan enters the journey again.
    await temporal.client.workflow.getHandle(workflowId).terminate('stopped by an operator');
    const again = await routeEvent(deps, scanned(id, renewal, new Date(today.getTime() + 2 * DAY_MS)));
    expect(again).toMatchObject({ duplicate: false, started: 1 });
    expect(again.runs[0]).toMatchObject({ workflowId, action: 'entered' });
    expect(again.runs[0].runId).not.toBe(first.runs[0].runId);
    expect(await routeEvent(deps, scanned(id, renewal, new Date(today.getTime() + 3 * DAY_MS)))).toMatchObject({
      duplicate: true,
    });
    await temporal.client.workflow.getHandle(workflowId).terminate('test done');
  });

  test('a run that ran its course (converted) is not entered again for the same date', async () => {
    // A worker runs this one: it must end by itself, as converted.
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue: uniqueTaskQueue('dedupe-run'),
      dataConverter: temporal.dataConverter,
      ...workflowCodeOptions(),
      activities: {
        checkEligibility: async () => ({ eligible: true, failed: [] }),
        loadProfile: async () => null,
        deliver: async () => ({ status: 'sent' as const }),
      },
    });
    const runDeps = { ...deps, taskQueue: worker.options.taskQueue };
    await worker.runUntil(async () => {
      const id = customer();
      const today = new Date(Date.UTC(2031, 4, 1));
      const renewal = new Date(today.getTime() + 20 * DAY_MS);
      const first = await routeEvent(runDeps, scanned(id, renewal, today));
      await routeEvent(runDeps, {
        id: `${id}-renewed`,
        signal: 'policy.renewed',
        version: 1,
        customerId: id,
        occurredAt: new Date().toISOString(),
        data: { policyId: 'pol-1', renewalDate: '2032-05-21' },
      });
      const handle = temporal.client.workflow.getHandle(first.runs[0].workflowId);
      expect(await handle.result()).toMatchObject({ outcome: 'converted' });
      const later = await routeEvent(runDeps, scanned(id, renewal, new Date(today.getTime() + DAY_MS)));
      expect(later).toMatchObject({ duplicate: true });
      expect((await handle.describe()).runId).toBe(first.runs[0].runId);
    });
  });
});
