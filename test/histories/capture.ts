// `npm run histories:capture`: drives every journey version in the catalog through a path on a real Temporal dev
// server (with the real worker, FerretDB and the SMTP/Twilio sinks) and saves each run's history under
// test/histories/<journey>/v<N>/, where test/histories/replay.test.ts replays it on every `npm test`.
// Starts a private embedded stack unless TEMPORAL_ADDRESS and MONGODB_URI point at one (e.g. `npm start`).
import { waymarkDataConverter } from '../../codec/data-converter';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import mongoose from 'mongoose';
import { loadConfig } from '../../config';
import { startStack, type Stack } from '../../dev/stack';
import { journeyCatalog } from '../../journeys';
import { Profile } from '../../models/profile';
import { createEventRouter } from '../../routing/event-router';
import type { JourneyEvent } from '../../signals';
import { saveJourneyHistory } from '../../cli/save-history';
import type { JourneyWorkflow } from '../../sdk/define-journey';
import type { JourneyState } from '../../sdk/journey-types';
import { WaymarkCustomerId, WaymarkJourney, WaymarkJourneyVersion } from '../../sdk/search-attributes';
import { journeyWorkflowId } from '../../sdk/workflow-id';
import { createWaymarkWorker } from '../../worker/create-worker';
import { DAY_MS } from '../../sdk/durations';

const log = (line: string) => process.stdout.write(`[histories:capture] ${line}\n`);
const id = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

function event(signal: string, customerId: string, data: unknown): JourneyEvent {
  return { id: randomUUID(), signal, version: 1, customerId, occurredAt: new Date().toISOString(), data };
}

type Send = (e: JourneyEvent) => Promise<unknown>;

/** A path through one journey: seeds a profile, returns the trigger, then feeds events until the run ends. */
interface CapturePath {
  trigger(customerId: string): JourneyEvent;
  /** Events sent once the run waits (goal, date changes), in order. */
  then(customerId: string, trigger: JourneyEvent): JourneyEvent[];
  profile(customerId: string): Record<string, unknown>;
}

const contactable = (customerId: string) => ({
  _id: customerId,
  email: `${customerId}@example.com`,
  phone: `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
  timeZone: 'UTC',
  consent: { email: { status: 'granted' }, sms: { status: 'granted' }, web: { status: 'granted' } },
});

const cart = (cartId: string, total: number) => ({
  cartId,
  items: [{ sku: 'sku-1', name: 'Trail boots', qty: 1, price: total }],
  total,
  currency: 'EUR',
  url: `https://shop.example/cart/${cartId}`,
});

/** One path per journey (every version of it): the cart changes again, then the order converts it. */
const PATHS: Record<string, CapturePath> = {
  'abandoned-cart': {
    profile: contactable,
    trigger: (customerId) => event('cart.updated', customerId, cart('cart-1', 40)),
    then: (customerId) => [
      event('cart.updated', customerId, cart('cart-1', 65)),
      event('order.completed', customerId, { orderId: id('order'), cartId: 'cart-1', total: 65 }),
    ],
  },
  'browse-abandonment': {
    // A known customer, engaged and reachable by email: the nudge, the email, then an order converts it.
    profile: (customerId) => ({
      ...contactable(customerId),
      score: {
        model: 'engagement',
        version: 1,
        value: 30,
        asOf: new Date().toISOString(),
        parts: { frequency: 3, monetary: 0, engagement: 0, visitDepth: 3 },
        lastActivityAt: new Date().toISOString(),
        moves: [],
      },
      segments: [{ name: 'email-reachable', version: 1, since: new Date() }],
    }),
    trigger: (customerId) =>
      event('segment.entered', customerId, {
        segment: 'window-shoppers',
        version: 1,
        reason: 'event product.viewed',
        cause: {
          eventId: id('view'),
          signal: 'product.viewed',
          data: { productId: 'tent-2p', name: 'Two-person tent', url: 'https://shop.example/p/tent-2p' },
        },
      }),
    then: (customerId) => [
      event('order.completed', customerId, { orderId: id('order'), cartId: 'cart-9', total: 149 }),
    ],
  },
  'renewal-window': {
    profile: (customerId) => ({
      ...contactable(customerId),
      policies: [
        { policyId: 'pol-1', product: 'home', status: 'active', renewalDate: new Date(Date.now() + 30 * DAY_MS) },
      ],
    }),
    trigger: (customerId) =>
      event('policy.renewal-due', customerId, {
        policyId: 'pol-1',
        renewalDate: new Date(Date.now() + 30 * DAY_MS).toISOString(),
      }),
    then: (customerId) => [
      event('policy.changed', customerId, {
        policyId: 'pol-1',
        status: 'active',
        renewalDate: new Date(Date.now() + 40 * DAY_MS).toISOString(),
      }),
      event('policy.renewed', customerId, {
        policyId: 'pol-1',
        renewalDate: new Date(Date.now() + 405 * DAY_MS).toISOString(),
      }),
    ],
  },
  'dependent-turning-26': {
    profile: (customerId) => {
      const birthDate = new Date(Date.now() + 40 * DAY_MS);
      birthDate.setUTCFullYear(birthDate.getUTCFullYear() - 26);
      return {
        ...contactable(customerId),
        firstName: 'Robin',
        dependents: [{ dependentId: 'dep-1', firstName: 'Sam', birthDate, policyId: 'pol-h', covered: false }],
      };
    },
    trigger: (customerId) => {
      const turns = new Date(Date.now() + 40 * DAY_MS);
      const birth = new Date(turns);
      birth.setUTCFullYear(turns.getUTCFullYear() - 26);
      return event('dependent.turning-26', customerId, {
        policyId: 'pol-h',
        dependentId: 'dep-1',
        firstName: 'Sam',
        birthDate: birth.toISOString().slice(0, 10),
        turns26On: turns.toISOString().slice(0, 10),
      });
    },
    then: (customerId) => [event('dependent.covered', customerId, { dependentId: 'dep-1', policyId: 'pol-own-1' })],
  },
};

/** Waits until the run sleeps on a timer (its sends done) or has ended. */
async function untilWaiting(handle: WorkflowHandle, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') return;
    const state = await handle.query<JourneyState>('state').catch(() => undefined);
    if (state?.wakesAt && !state.waitingFor?.startsWith('delivery')) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${handle.workflowId} did not reach a wait within ${timeoutMs / 1000}s`);
}

/**
 * Enters a run of this exact version. The router always starts the newest version; older versions are entered as the
 * router did while they were the newest (same id, search attributes and signal-with-start).
 */
async function enter(client: Client, taskQueue: string, workflow: JourneyWorkflow, trigger: JourneyEvent) {
  const key = workflow.journey.trigger.key(trigger.data as never);
  return client.workflow.signalWithStart(workflow.workflowType, {
    workflowId: journeyWorkflowId(workflow.journey.name, trigger.customerId, key),
    taskQueue,
    args: [{ customerId: trigger.customerId, key }],
    signal: trigger.signal,
    signalArgs: [trigger],
    typedSearchAttributes: [
      { key: WaymarkCustomerId, value: trigger.customerId },
      { key: WaymarkJourney, value: workflow.journey.name },
      { key: WaymarkJourneyVersion, value: workflow.journey.version },
    ],
  });
}

async function capture(client: Client, taskQueue: string, send: Send, workflow: JourneyWorkflow) {
  const path_ = PATHS[workflow.journey.name];
  if (!path_)
    throw new Error(`no capture path for journey ${workflow.journey.name}: add one to test/histories/capture.ts`);
  const customerId = id(`capture-${workflow.workflowType}`);
  await Profile.create(path_.profile(customerId));
  const trigger = path_.trigger(customerId);
  const handle = await enter(client, taskQueue, workflow, trigger);
  await untilWaiting(handle);
  for (const next of path_.then(customerId, trigger)) {
    await send(next);
    await untilWaiting(handle);
  }
  const result = await handle.result();
  const saved = await saveJourneyHistory(client, handle.workflowId);
  log(
    `${workflow.workflowType}: ${result.outcome} after ${saved.events} events -> ${path.relative(process.cwd(), saved.file)}`,
  );
}

async function main() {
  let stack: Stack | undefined;
  if (!process.env.TEMPORAL_ADDRESS || !process.env.MONGODB_URI) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'waymark-capture-'));
    stack = await startStack({ dataDir, ports: 'free', ui: false, log });
  }
  // No quiet hours: a capture run at night would otherwise wait for the morning.
  const config = loadConfig({
    ...process.env,
    ...stack?.env,
    // The embedded stack's development secrets (config/secrets.ts); histories are captured encrypted with its key.
    ...(stack ? { WAYMARK_DEV_STACK: '1' } : {}),
    QUIET_HOURS: '',
    TEMPORAL_TASK_QUEUE: 'histories-capture',
  });
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: waymarkDataConverter(config),
  });
  await mongoose.connect(config.MONGODB_URI);
  const { worker, close } = await createWaymarkWorker(config);
  const send = createEventRouter({ client, taskQueue: config.TEMPORAL_TASK_QUEUE });
  const only = process.argv.slice(2);
  try {
    await worker.runUntil(async () => {
      for (const workflow of journeyCatalog) {
        if (only.length && !only.includes(workflow.workflowType)) continue;
        await capture(client, config.TEMPORAL_TASK_QUEUE, send, workflow);
      }
    });
  } finally {
    await close();
    await connection.close();
    await mongoose.disconnect();
    await stack?.stop();
  }
}

main().catch((error) => {
  console.error(`histories:capture: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
