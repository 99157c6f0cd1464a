// HTTP event → Temporal dev server → the real worker and activities → offer mail in the SMTP sink at entry; the
// dependent getting covered ends the run. The reminder waits for weeks: that path is in test/journeys.
import { randomUUID } from 'node:crypto';
import { waitForSinkMails } from '../../dev/sink-client';
import { connectTestDatabase, serverEnv } from '../support/servers';
import { closedRun, post, put, startWaymark } from './support';
import { DAY_MS } from '../../sdk/durations';

let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let waymark: Awaited<ReturnType<typeof startWaymark>>;

beforeAll(async () => {
  db = await connectTestDatabase('e2e-dependent');
  waymark = await startWaymark(serverEnv('TEMPORAL_ADDRESS'));
});
afterAll(async () => {
  await waymark?.stop();
  await db?.close();
});

const granted = { status: 'granted' };

test('dependent-turning-26: offer mail at entry, the dependent getting covered ends the run as converted', async () => {
  const id = `e2e-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  const turns26On = new Date(Date.now() + 40 * DAY_MS).toISOString().slice(0, 10);
  const birthDate = `${Number(turns26On.slice(0, 4)) - 26}${turns26On.slice(4)}`;
  await put(waymark.app, `/v1/profiles/${id}`, {
    email,
    firstName: 'Maria',
    timeZone: 'UTC',
    consent: { email: granted },
    policies: [{ policyId: 'health-1', product: 'health', status: 'active' }],
    dependents: [{ dependentId: 'dep-1', firstName: 'Leo', birthDate, policyId: 'health-1', covered: false }],
  });

  const accepted = await post(waymark.app, '/v1/events', {
    id: `${id}-turning`,
    signal: 'dependent.turning-26',
    customerId: id,
    data: { policyId: 'health-1', dependentId: 'dep-1', birthDate, turns26On },
  });
  const workflowId = accepted.results[0].runs[0].workflowId;
  const [mail] = await waitForSinkMails(serverEnv('SMTP_SINK_URL'), { to: email, timeoutMs: 20_000 });
  expect(`${mail.subject} ${mail.text}`).toMatch(/Leo/);

  await post(waymark.app, '/v1/events', {
    id: `${id}-covered`,
    signal: 'dependent.covered',
    customerId: id,
    data: { dependentId: 'dep-1', policyId: 'own-1' },
  });
  expect(await closedRun(waymark.app, workflowId)).toMatchObject({ status: 'COMPLETED', outcome: 'converted' });
});
