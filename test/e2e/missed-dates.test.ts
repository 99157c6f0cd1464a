// Missed dates (issue 10, item 2): a date already past when the run gets to it skips its send, with the reason in the
// run's state and a `skipped` ledger entry; nothing stale reaches the customer. HTTP events → the time-skipping test
// server → the real worker, send path, MongoDB and sinks.
import { randomUUID } from 'node:crypto';
import { listSinkMails, listSinkSms } from '../../dev/sink-client';
import { Delivery } from '../../models/delivery';
import { journeyStateQuery } from '../../sdk/queries';
import { DAY_MS } from '../../sdk/durations';
import { serverEnv } from '../support/servers';
import { post, put, useTimeSkippingWaymark } from './support';

const stack = useTimeSkippingWaymark('e2e-missed');

const granted = { status: 'granted' };
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function policyholder(renewalDate: string) {
  const id = `e2e-${randomUUID().slice(0, 8)}`;
  const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  await put(stack.waymark.app, `/v1/profiles/${id}`, {
    email: `${id}@example.com`,
    phone,
    timeZone: 'UTC',
    consent: { email: granted, sms: granted, web: granted },
    policies: [{ policyId: 'pol-1', product: 'home', status: 'active', renewalDate }],
  });
  return { id, email: `${id}@example.com`, phone };
}

async function ledger(workflowId: string) {
  const entries = await Delivery.find({ workflowId }).lean();
  return Object.fromEntries(entries.map((e) => [e.stepId, { state: e.state, reason: e.reason }]));
}

test('a policy entering 3 days before renewal gets the offer, and the 7-days-before reminder is skipped as missed', async () => {
  const now = await stack.env.currentTimeMs();
  const renewalDate = isoDay(now + 3 * DAY_MS);
  const { id, email, phone } = await policyholder(renewalDate);

  const accepted = await post(stack.waymark.app, '/v1/events', {
    id: `${id}-due`,
    signal: 'policy.renewal-due',
    customerId: id,
    data: { policyId: 'pol-1', renewalDate },
  });
  const handle = stack.env.client.workflow.getHandle(accepted.results[0].runs[0].workflowId);
  // The renewal date passes without a renewal: the run ends as lost (the test server skips the days).
  expect(await handle.result()).toMatchObject({ outcome: 'lost' });

  expect(await listSinkMails(serverEnv('SMTP_SINK_URL'), email)).toHaveLength(1);
  expect(await listSinkSms(serverEnv('TWILIO_API_URL'), phone)).toEqual([]);
  expect(await ledger(handle.workflowId)).toEqual({
    'email:renewal-offer': { state: 'sent' },
    'web:renewal-banner': { state: 'sent' },
    'sms:renewal-reminder': { state: 'skipped', reason: expect.stringMatching(/^missed: due by /) },
  });
  const state = await handle.query(journeyStateQuery);
  expect(state.steps).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ step: 'wait-for-reminder', detail: expect.stringMatching(/^missed: .* had passed$/) }),
      expect.objectContaining({ step: 'sms:renewal-reminder', detail: expect.stringMatching(/^skipped: missed: /) }),
    ]),
  );
});

test('policy.changed moving the renewal date to 3 days ago sends no stale reminder', async () => {
  const now = await stack.env.currentTimeMs();
  const { id, email, phone } = await policyholder(isoDay(now + 30 * DAY_MS));
  const accepted = await post(stack.waymark.app, '/v1/events', {
    id: `${id}-due`,
    signal: 'policy.renewal-due',
    customerId: id,
    data: { policyId: 'pol-1', renewalDate: isoDay(now + 30 * DAY_MS) },
  });
  const handle = stack.env.client.workflow.getHandle(accepted.results[0].runs[0].workflowId);
  for (;;) {
    const state = await handle.query(journeyStateQuery);
    if (state.step === 'wait-for-reminder' && state.wakesAt) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  await post(stack.waymark.app, '/v1/events', {
    id: `${id}-moved`,
    signal: 'policy.changed',
    customerId: id,
    data: { policyId: 'pol-1', status: 'active', renewalDate: isoDay(now - 3 * DAY_MS) },
  });

  expect(await handle.result()).toMatchObject({ outcome: 'lost', reason: 'renewal date passed without renewal' });
  expect(await listSinkMails(serverEnv('SMTP_SINK_URL'), email)).toHaveLength(1);
  expect(await listSinkSms(serverEnv('TWILIO_API_URL'), phone)).toEqual([]);
  expect(await ledger(handle.workflowId)).toMatchObject({
    'sms:renewal-reminder': { state: 'skipped', reason: expect.stringMatching(/^missed: due by /) },
  });
});
