// Provider calls bounded well under the deliver activity's startToClose, heartbeats while they run, and cancellation
// (the goal arriving mid-send) aborting them: the real API and worker on the dev server, the SMTP sink hanging.
import { randomUUID } from 'node:crypto';
import { Delivery } from '../../models/delivery';
import { DAY_MS } from '../../sdk/durations';
import { SMTP_TIMEOUTS } from '../../delivery/providers/smtp-transport';
import { DELIVER_START_TO_CLOSE_MS } from '../../sdk/contracts/delivery-policy';
import { connectTestDatabase, serverEnv } from '../support/servers';
import { sinks } from '../support/sinks';
import { closedRun, eventually, post, put, startWaymark } from './support';

let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let waymark: Awaited<ReturnType<typeof startWaymark>>;

beforeAll(async () => {
  db = await connectTestDatabase('e2e-provider-timeouts');
  waymark = await startWaymark(serverEnv('TEMPORAL_ADDRESS'));
});
afterAll(async () => {
  await sinks.clearFaults();
  await waymark?.stop();
  await db?.close();
});

async function renewalCustomer() {
  const id = `timeouts-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  const renewalDate = new Date(Date.now() + 60 * DAY_MS).toISOString().slice(0, 10);
  await put(waymark.app, `/v1/profiles/${id}`, {
    email,
    timeZone: 'UTC',
    consent: { email: { status: 'granted' }, web: { status: 'granted' } },
    policies: [{ policyId: 'pol-1', product: 'home', status: 'active', renewalDate }],
  });
  const enter = async () => {
    const accepted = await post(waymark.app, '/v1/events', {
      id: `${id}-due`,
      signal: 'policy.renewal-due',
      customerId: id,
      data: { policyId: 'pol-1', renewalDate },
    });
    return accepted.results[0].runs[0].workflowId as string;
  };
  const offer = () => Delivery.findOne({ customerId: id, stepId: 'email:renewal-offer' }).lean();
  return { id, email, renewalDate, enter, offer };
}

test('a mail server that hangs before DATA: the attempt times out on its own and the retry sends, once', async () => {
  expect(SMTP_TIMEOUTS.socketTimeout * 2).toBeLessThan(DELIVER_START_TO_CLOSE_MS);
  const customer = await renewalCustomer();
  await sinks.smtpFault(customer.email, 'hang-at-rcpt', 1);
  await customer.enter();

  // Well before the activity's own minute runs out, the first attempt has given up and the second has sent.
  await sinks.waitForMails({ to: customer.email, count: 1, timeoutMs: DELIVER_START_TO_CLOSE_MS - 10_000 });
  const sent = await eventually(async () => {
    const entry = await customer.offer();
    return entry?.state === 'sent' ? entry : undefined;
  });
  expect(sent!.attempts).toBe(2);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(await sinks.mails(customer.email)).toHaveLength(1);
});

test('the goal arriving while the mail server hangs cancels the attempt, and the call is aborted', async () => {
  const customer = await renewalCustomer();
  await sinks.smtpFault(customer.email, 'hang-at-rcpt');
  const workflowId = await customer.enter();
  await eventually(async () => (await customer.offer())?.state === 'sending');

  await post(waymark.app, '/v1/events', {
    id: `${customer.id}-renewed`,
    signal: 'policy.renewed',
    customerId: customer.id,
    data: { policyId: 'pol-1', renewalDate: customer.renewalDate },
  });
  expect(await closedRun(waymark.app, workflowId)).toMatchObject({ outcome: 'converted' });
  // The cancellation reaches the attempt with a heartbeat's answer and closes the SMTP connection: the attempt ends
  // as "nothing went out" at once, not when the socket times out.
  const aborted = await eventually(async () => {
    const entry = await customer.offer();
    return entry?.state === 'retrying' ? entry : undefined;
  }, SMTP_TIMEOUTS.socketTimeout - 3_000);
  expect(aborted!.reason).toMatch(/aborted/);
  expect(await sinks.mails(customer.email)).toEqual([]);
});
