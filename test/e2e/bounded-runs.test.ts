// Bounded runs (issue 10, item 7): a shop that sends cart.updated again and again while the cart-idle wait runs
// grows the run's history; the run continues as new (carrying its inbox, journal, step and send counts) and still
// sends exactly one reminder, with the newest cart. HTTP events → the time-skipping test server → the real worker.
import { randomUUID } from 'node:crypto';
import { listSinkMails, waitForSinkMails } from '../../dev/sink-client';
import { journeyStateQuery } from '../../sdk';
import { CONTINUE_AS_NEW_AFTER_EVENTS } from '../../sdk/run-limits';
import { serverEnv } from '../support/servers';
import { post, put, useTimeSkippingWaymark } from './support';

const stack = useTimeSkippingWaymark('e2e-bounded');

const granted = { status: 'granted' };
/** Events per request: one HTTP batch is routed in order for its customer. */
const BATCH = 100;

test('hundreds of cart updates during the idle wait: the run continues as new and sends one reminder', async () => {
  const id = `e2e-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  await put(stack.waymark.app, `/v1/profiles/${id}`, {
    email,
    timeZone: 'UTC',
    consent: { email: granted, sms: granted, web: granted },
  });
  const cart = (n: number) => ({
    cartId: 'cart-busy',
    items: [{ sku: `S${n}`, name: `Item number ${n}`, qty: 1, price: 10 }],
    total: 10,
    currency: 'EUR',
    url: 'https://shop.example/cart/busy',
  });
  const update = (n: number) => ({ id: `${id}-u${n}`, signal: 'cart.updated', customerId: id, data: cart(n) });

  const accepted = await post(stack.waymark.app, '/v1/events', update(0));
  const workflowId = accepted.results[0].runs[0].workflowId;
  const handle = stack.env.client.workflow.getHandle(workflowId);
  const firstRunId = (await handle.describe()).runId;

  // Each update restarts the idle timer: a signal, a workflow task and a timer swap in the history. Send until the
  // run has continued as new (bounded by twice the history events the bound allows, one per update at least).
  let sent = 1;
  while ((await handle.describe()).runId === firstRunId && sent < 2 * CONTINUE_AS_NEW_AFTER_EVENTS) {
    const events = Array.from({ length: BATCH }, (_, i) => update(sent + i));
    await post(stack.waymark.app, '/v1/events', { events });
    sent += BATCH;
  }
  const last = sent - 1;
  const latest = await handle.describe();
  expect(latest.runId).not.toBe(firstRunId);
  expect((await stack.env.client.workflow.getHandle(workflowId, firstRunId).describe()).status.name).toBe(
    'CONTINUED_AS_NEW',
  );
  const state = await handle.query(journeyStateQuery);
  expect(state.continuedAsNew).toBeGreaterThanOrEqual(1);
  expect(state.step).toBe('cart-idle');
  // The history of the run now in flight stays bounded.
  expect(latest.historyLength).toBeLessThan(CONTINUE_AS_NEW_AFTER_EVENTS);

  await stack.env.sleep('59 minutes');
  expect(await listSinkMails(serverEnv('SMTP_SINK_URL'), email)).toEqual([]);
  await stack.env.sleep('2 minutes');
  const [mail] = await waitForSinkMails(serverEnv('SMTP_SINK_URL'), { to: email, timeoutMs: 20_000 });
  expect(mail.html).toContain(`Item number ${last}`);
  // The run goes on (web nudge, SMS last call) and keeps its step ids: still one reminder mail after all of it.
  await stack.env.sleep('3 days');
  const result = await handle.result();
  expect(result.outcome).toBe('completed');
  const mails = await listSinkMails(serverEnv('SMTP_SINK_URL'), email);
  expect(mails).toHaveLength(1);
  console.log(
    `bounded run: ${sent} cart updates, continued as new ${state.continuedAsNew} time(s); ` +
      `history of the run in flight ${latest.historyLength} events; reminder mails ${mails.length}`,
  );
}, 300_000);
