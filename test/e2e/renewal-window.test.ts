// HTTP event → Temporal dev server → the real worker and activities → offer mail in the SMTP sink and the web banner
// in MongoDB at entry; renewing ends the run. The later SMS waits for weeks: that path is in test/journeys.
import { randomUUID } from 'node:crypto';
import { WebMessage } from '../../models/web-message';
import { waitForSinkMails } from '../../dev/sink-client';
import { connectTestDatabase, serverEnv } from '../support/servers';
import { closedRun, eventually, post, put, startWaymark } from './support';
import { DAY_MS } from '../../sdk/durations';

let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let waymark: Awaited<ReturnType<typeof startWaymark>>;

beforeAll(async () => {
  db = await connectTestDatabase('e2e-renewal');
  waymark = await startWaymark(serverEnv('TEMPORAL_ADDRESS'));
});
afterAll(async () => {
  await waymark?.stop();
  await db?.close();
});

const granted = { status: 'granted' };

test('renewal-window: offer mail and web banner at entry, renewing ends the run as converted', async () => {
  const id = `e2e-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  const renewalDate = new Date(Date.now() + 30 * DAY_MS).toISOString().slice(0, 10);
  await put(waymark.app, `/v1/profiles/${id}`, {
    email,
    timeZone: 'UTC',
    consent: { email: granted, sms: granted, web: granted },
    policies: [{ policyId: 'pol-1', product: 'home', status: 'active', renewalDate }],
  });

  const accepted = await post(waymark.app, '/v1/events', {
    id: `${id}-due`,
    signal: 'policy.renewal-due',
    customerId: id,
    data: { policyId: 'pol-1', renewalDate },
  });
  const workflowId = accepted.results[0].runs[0].workflowId;
  expect(workflowId).toBe(`renewal-window/${id}/pol-1`);

  const [mail] = await waitForSinkMails(serverEnv('SMTP_SINK_URL'), { to: email, timeoutMs: 20_000 });
  expect(mail.subject).toBeTruthy();
  expect(mail.headers['list-unsubscribe']).toMatch(/\/v1\/unsubscribe\?token=/);
  expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  await eventually(() => WebMessage.exists({ customerId: id }));
  expect(await WebMessage.countDocuments({ customerId: id, journey: 'renewal-window' })).toBe(1);

  await post(waymark.app, '/v1/events', {
    id: `${id}-renewed`,
    signal: 'policy.renewed',
    customerId: id,
    data: { policyId: 'pol-1', renewalDate: new Date(Date.now() + 395 * DAY_MS).toISOString().slice(0, 10) },
  });
  expect(await closedRun(waymark.app, workflowId)).toMatchObject({ status: 'COMPLETED', outcome: 'converted' });
});
