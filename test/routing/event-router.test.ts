// The router against the real dev server and MongoDB. Runs go to a task queue no worker polls: they are created,
// signalled and closed (terminated) by the tests, never executed, so every assertion is about routing alone.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { cartUpdated, profileUpdated, type JourneyEvent } from '../../signals';
import { abandonedCartV1 } from '../../journeys';
import { routeEvent, type RouterDeps } from '../../routing/event-router';
import { openJourneyRunsQuery } from '../../routing/visibility-query';
import { defineJourney, on } from '../../sdk';
import { WaymarkCustomerId, WaymarkJourney, WaymarkJourneyVersion } from '../../sdk/search-attributes';
import { connectTemporal, connectTestDatabase, uniqueTaskQueue } from '../support/servers';

let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let deps: RouterDeps;

beforeAll(async () => {
  db = await connectTestDatabase('routing');
  temporal = await connectTemporal();
  deps = { client: temporal.client, taskQueue: uniqueTaskQueue('routing') };
});
afterAll(async () => {
  await temporal.close();
  await db.close();
});

const customer = () => `rt-${randomUUID().slice(0, 8)}`;
const event = (customerId: string, signal: string, data: Record<string, unknown>): JourneyEvent => ({
  id: randomUUID(),
  signal,
  version: 1,
  customerId,
  occurredAt: new Date().toISOString(),
  data,
});
const cart = (cartId: string) => ({
  cartId,
  items: [{ sku: 'A1', name: 'Boots', qty: 1, price: 80 }],
  total: 80,
  currency: 'EUR',
  url: `https://shop.example/cart/${cartId}`,
});

async function signalNames(client: Client, workflowId: string, runId?: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return history
    .events!.filter((e) => e.workflowExecutionSignaledEventAttributes)
    .map((e) => e.workflowExecutionSignaledEventAttributes!.signalName!);
}

/** Visibility is eventually consistent: poll until the query lists `count` runs. */
async function waitForVisible(client: Client, query: string, count: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    let seen = 0;
    for await (const run of client.workflow.list({ query })) if (run) seen++;
    if (seen >= count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`visibility never listed ${count} runs for ${query}`);
}

describe('routing an event', () => {
  it('feeds a goal event to the running run under its key, and records a run that is not there as skipped', async () => {
    const id = customer();
    const entered = await routeEvent(deps, event(id, 'cart.updated', cart('c1')));
    const workflowId = `abandoned-cart/${id}/c1`;
    expect(entered.runs).toEqual([
      expect.objectContaining({ journey: 'abandoned-cart', workflowId, action: 'entered' }),
    ]);

    const order = await routeEvent(deps, event(id, 'order.completed', { orderId: 'o1', cartId: 'c1', total: 80 }));
    expect(order).toMatchObject({ started: 0, signalled: 1 });
    // (browse-abandonment's goal is any order of the customer: its run, not there, is recorded as skipped too)
    expect(order.runs.filter((r) => r.journey === 'abandoned-cart')).toEqual([
      expect.objectContaining({ workflowId, action: 'signalled' }),
    ]);
    expect(await signalNames(temporal.client, workflowId)).toEqual(['cart.updated', 'order.completed']);

    const stray = await routeEvent(deps, event(id, 'order.completed', { orderId: 'o2', cartId: 'other', total: 5 }));
    expect(stray.runs.filter((r) => r.journey === 'abandoned-cart')).toEqual([
      { journey: 'abandoned-cart', workflowId: `abandoned-cart/${id}/other`, action: 'skipped', reason: 'no open run' },
    ]);
    await temporal.client.workflow.getHandle(workflowId).terminate('test done');
  });

  it('answers a repeated event with its first outcome and delivers it once', async () => {
    const id = customer();
    const first = event(id, 'cart.updated', cart('c1'));
    const report = await routeEvent(deps, first);
    const again = await routeEvent(deps, { ...first, occurredAt: new Date().toISOString() });
    expect(again).toEqual({ ...report, duplicate: true });
    expect(await signalNames(temporal.client, `abandoned-cart/${id}/c1`)).toEqual(['cart.updated']);
    await temporal.client.workflow.getHandle(`abandoned-cart/${id}/c1`).terminate('test done');
  });

  it('re-entry never: a closed run is not entered again', async () => {
    const id = customer();
    const turning = { policyId: 'h1', dependentId: 'd1', birthDate: '2000-05-01', turns26On: '2026-05-01' };
    const first = await routeEvent(deps, event(id, 'dependent.turning-26', turning));
    const handle = temporal.client.workflow.getHandle(first.runs[0].workflowId);
    await handle.terminate('closed for the test');
    const again = await routeEvent(deps, event(id, 'dependent.turning-26', turning));
    expect(again.runs).toEqual([
      expect.objectContaining({ action: 'skipped', reason: expect.stringMatching(/never/) }),
    ]);
    expect((await handle.describe()).runId).toBe(first.runs[0].runId);
  });

  it('re-entry with a cooldown: no new run while the cooldown since the last close runs', async () => {
    const id = customer();
    const first = await routeEvent(deps, event(id, 'cart.updated', cart('c1')));
    await temporal.client.workflow.getHandle(first.runs[0].workflowId).terminate('closed for the test');
    const again = await routeEvent(deps, event(id, 'cart.updated', cart('c1')));
    expect(again.runs).toEqual([
      expect.objectContaining({ action: 'skipped', reason: expect.stringMatching(/^in cooldown until /) }),
    ]);
  });

  it('re-entry with a cooldown: a new run once the cooldown since the last close has passed', async () => {
    const probe = defineJourney({
      name: 'cooldown-probe',
      version: 1,
      description: 'test journey with a cooldown shorter than a round trip',
      trigger: { signal: cartUpdated, key: (c) => c.cartId },
      entry: { reentry: { cooldown: '1 ms' } },
      async run() {},
    });
    const probeDeps = { ...deps, catalog: [probe] };
    const id = customer();
    const first = await routeEvent(probeDeps, event(id, 'cart.updated', cart('c1')));
    const handle = temporal.client.workflow.getHandle(first.runs[0].workflowId);
    await handle.terminate('closed for the test');
    const again = await routeEvent(probeDeps, event(id, 'cart.updated', cart('c1')));
    expect(again.runs).toEqual([expect.objectContaining({ action: 'entered' })]);
    expect(again.runs[0].runId).not.toBe(first.runs[0].runId);
    await handle.terminate('test done');
  });

  it('re-entry always: a new run under the same id once the previous one closed', async () => {
    const id = customer();
    const due = { policyId: 'p1', renewalDate: '2030-01-01' };
    const first = await routeEvent(deps, event(id, 'policy.renewal-due', due));
    const handle = temporal.client.workflow.getHandle(first.runs[0].workflowId);
    await handle.terminate('closed for the test');
    const again = await routeEvent(deps, event(id, 'policy.renewal-due', due));
    expect(again.runs).toEqual([expect.objectContaining({ workflowId: first.runs[0].workflowId, action: 'entered' })]);
    expect(again.runs[0].runId).not.toBe(first.runs[0].runId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test done');
  });

  it('new entries start the newest version; an open run of an older version keeps getting the events', async () => {
    const id = customer();
    const workflowId = `abandoned-cart/${id}/c1`;
    // A run started before v2 shipped, exactly as the router started it then.
    await temporal.client.workflow.signalWithStart(abandonedCartV1.workflowType, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [{ customerId: id, key: 'c1' }],
      signal: 'cart.updated',
      signalArgs: [event(id, 'cart.updated', cart('c1'))],
      typedSearchAttributes: [
        { key: WaymarkCustomerId, value: id },
        { key: WaymarkJourney, value: 'abandoned-cart' },
        { key: WaymarkJourneyVersion, value: 1 },
      ],
    });
    await routeEvent(deps, event(id, 'cart.updated', cart('c1')));
    await routeEvent(deps, event(id, 'cart.updated', cart('c2')));
    const old = await temporal.client.workflow.getHandle(workflowId).describe();
    expect(old.type).toBe('abandonedCartV1');
    expect(await signalNames(temporal.client, workflowId)).toEqual(['cart.updated', 'cart.updated']);
    const fresh = await temporal.client.workflow.getHandle(`abandoned-cart/${id}/c2`).describe();
    expect(fresh.type).toBe('abandonedCartV3');
    await temporal.client.workflow.getHandle(workflowId).terminate('test done');
    await temporal.client.workflow.getHandle(`abandoned-cart/${id}/c2`).terminate('test done');
  });

  it('a keyless route feeds every open run of the journey for that customer, found in Temporal visibility', async () => {
    const probe = defineJourney({
      name: 'routing-probe',
      version: 1,
      description: 'test journey: any cart starts one, any profile update reaches all of them',
      trigger: { signal: cartUpdated, key: (c) => c.cartId },
      listensTo: [on(profileUpdated)],
      async run() {},
    });
    const probeDeps = { ...deps, catalog: [probe] };
    const id = customer();
    const other = customer();
    const entered = [
      ...(await routeEvent(probeDeps, event(id, 'cart.updated', cart('a')))).runs,
      ...(await routeEvent(probeDeps, event(id, 'cart.updated', cart('b')))).runs,
      ...(await routeEvent(probeDeps, event(other, 'cart.updated', cart('a')))).runs,
    ];
    await waitForVisible(temporal.client, openJourneyRunsQuery(id, 'routing-probe'), 2);

    const update = await routeEvent(probeDeps, event(id, 'profile.updated', { changed: ['email'] }));
    expect(update.runs.map((r) => r.workflowId).sort()).toEqual([`routing-probe/${id}/a`, `routing-probe/${id}/b`]);
    expect(update.runs.every((r) => r.action === 'signalled')).toBe(true);
    expect(await signalNames(temporal.client, `routing-probe/${other}/a`)).toEqual(['cart.updated']);
    for (const run of entered) await temporal.client.workflow.getHandle(run.workflowId).terminate('test done');
  });
});
