import path from 'node:path';
import mongoose from 'mongoose';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  Worker,
  type ActivityExecuteInput,
  type ActivityInboundCallsInterceptor,
  type Next,
} from '@temporalio/worker';
import { createDeliver } from '../../activities/deliver';
import { checkEligibility } from '../../activities/eligibility';
import { loadProfile } from '../../activities/load-profile';
import { listSinkMails, listSinkSms } from '../../dev/sink-client';
import { abandonedCartV1 } from '../../journeys';
import { Delivery } from '../../models/delivery';
import { cartUpdated } from '../../signals';
import { journeyWorkflowId } from '../../sdk/workflow-id';
import { journeyEvent } from '../support/events';
import { createTimeSkippingEnv } from '../support/time-skipping';
import {
  connectMongo,
  createCustomer,
  createSendPath,
  requireEnv,
  uid,
  zoneWhereItIs,
  type SendPath,
} from '../support/delivery';

// The real send path inside a real Temporal worker (time-skipping test server), driven by the real abandoned-cart
// journey: cart idle 1 h → reminder email (topic offers) → 24 h → SMS last call → 2 days → done.

const TASK_QUEUE = 'delivery-tests';

/** Workflows whose every deliver activity "crashes" right after the real deliver returned, on its first attempt. */
const crashAfterAccept = new Set<string>();
/** Attempts after the first, per workflow: proof that the crash really made Temporal retry. */
const retries = new Map<string, number>();

class CrashAfterAcceptInterceptor implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
    const result = await next(input);
    const info = Context.current().info;
    const workflowId = info.workflowExecution?.workflowId ?? '';
    if (info.attempt > 1) retries.set(workflowId, (retries.get(workflowId) ?? 0) + 1);
    if (
      info.activityType === 'deliver' &&
      info.attempt === 1 &&
      crashAfterAccept.has(info.workflowExecution?.workflowId ?? '')
    ) {
      throw new Error('worker lost after the provider accepted the message');
    }
    return result;
  }
}

describe('deliver in a Temporal worker', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let send: SendPath;

  beforeAll(async () => {
    await connectMongo();
    env = await createTimeSkippingEnv();
    send = createSendPath({ QUIET_HOURS: '21:00-08:00' });
    const workflowBundle = process.env.WAYMARK_WORKFLOW_BUNDLE
      ? { codePath: process.env.WAYMARK_WORKFLOW_BUNDLE }
      : await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../../workflows/index.ts') });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle,
      activities: { checkEligibility, loadProfile, deliver: createDeliver(send) },
      interceptors: { activity: [() => ({ inbound: new CrashAfterAcceptInterceptor() })] },
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    send?.close();
    await mongoose.disconnect();
  });

  async function startAbandonedCart(customerId: string) {
    const cartId = `cart-${uid()}`;
    const event = journeyEvent(cartUpdated, customerId, {
      cartId,
      items: [{ sku: 'tea', name: 'Tea', qty: 1, price: 4 }],
      total: 4,
      currency: 'EUR',
      url: 'https://shop.example.test/cart',
    });
    const workflowId = journeyWorkflowId(abandonedCartV1.journey.name, customerId, cartId);
    return {
      workflowId,
      start: () =>
        env.client.workflow.signalWithStart(abandonedCartV1.workflowType, {
          workflowId,
          taskQueue: TASK_QUEUE,
          args: [{ customerId, key: cartId }],
          signal: event.signal,
          signalArgs: [event],
        }),
    };
  }

  it('an attempt that fails after the provider accepted is retried and the sinks hold exactly one message', async () => {
    const now = new Date(await env.currentTimeMs());
    const customer = await createCustomer({ timeZone: zoneWhereItIs(12, now) }); // both sends at local midday
    const run = await startAbandonedCart(customer.id);
    crashAfterAccept.add(run.workflowId);
    const handle = await run.start();
    await handle.result();

    expect(retries.get(run.workflowId)).toBe(2); // the email's and the SMS's second attempts
    expect(await listSinkMails(requireEnv('SMTP_SINK_URL'), customer.email)).toHaveLength(1);
    expect(await listSinkSms(requireEnv('TWILIO_API_URL'), customer.phone)).toHaveLength(1);
    const entries = await Delivery.find({ workflowId: run.workflowId }).sort({ createdAt: 1 }).lean();
    expect(entries.map((e) => [e.channel, e.state, e.attempts])).toEqual([
      ['email', 'sent', 1],
      ['sms', 'sent', 1],
    ]);
  });

  it('a send inside quiet hours waits durably and goes out when the window opens', async () => {
    const now = new Date(await env.currentTimeMs());
    // The reminder is due an hour from now; in this zone that is 23:xx, inside 21:00-08:00.
    const zone = zoneWhereItIs(22, now);
    const customer = await createCustomer({ timeZone: zone });
    const run = await startAbandonedCart(customer.id);
    const handle = await run.start();
    await handle.result();

    const [email] = await Delivery.find({ workflowId: run.workflowId, channel: 'email' }).lean();
    const local = (d: Date) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
        d,
      );
    expect(email).toMatchObject({ state: 'sent' });
    // Sent at the window's opening in workflow time: 08:00 local, the day after the reminder fell due.
    expect(local(email!.at!)).toBe('08:00');
    expect(email!.at!.getTime() - now.getTime()).toBeGreaterThan(3600_000);
    expect(email!.at!.getTime() - now.getTime()).toBeLessThan(24 * 3600_000);
    expect(await listSinkMails(requireEnv('SMTP_SINK_URL'), customer.email)).toHaveLength(1);
  });
});
