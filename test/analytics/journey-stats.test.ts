// Journey analytics of renewal-window through the real API and worker on the dev server: five customers take five
// paths (waiting, converted, lost, ineligible, email blocked); GET /v1/journeys/:name/stats and `waymark stats` count
// them from Temporal visibility and the delivery ledger, and the diagram page (GET /journeys/:name) draws them.
import { randomUUID } from 'node:crypto';
import { parseStatsRange } from '../../analytics/stats-range';
import { journeyDiagram } from '../../diagrams/journey-diagram';
import { renewalWindowV1 } from '../../journeys';
import { DAY_MS } from '../../sdk/durations';
import { API_KEY, closedRun, eventually, post, put, startWaymark } from '../e2e/support';
import { runCli } from '../support/cli';
import { connectTestDatabase, serverEnv } from '../support/servers';

let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let waymark: Awaited<ReturnType<typeof startWaymark>>;

beforeAll(async () => {
  db = await connectTestDatabase('journey-stats');
  waymark = await startWaymark(serverEnv('TEMPORAL_ADDRESS'));
}, 120_000);
afterAll(async () => {
  await waymark?.stop();
  await db?.close();
});

const granted = { status: 'granted' };

async function stats(query: string) {
  const res = await waymark.app.inject({
    url: `/v1/journeys/renewal-window/stats${query}`,
    headers: { 'x-api-key': API_KEY },
  });
  return { status: res.statusCode, body: res.json() };
}

test('counts entries, progress, outcomes with reasons, time to convert and each send step by state', async () => {
  const from = new Date(Date.now() - 1000).toISOString();
  const tag = randomUUID().slice(0, 6);
  const renewalDate = new Date(Date.now() + 30 * DAY_MS).toISOString().slice(0, 10);
  const customer = async (name: string, profile: Record<string, unknown>) => {
    const id = `stats-${tag}-${name}`;
    await put(waymark.app, `/v1/profiles/${id}`, {
      email: `${id}@example.com`,
      timeZone: 'UTC',
      consent: { email: granted, sms: granted, web: granted },
      policies: [{ policyId: 'pol-1', product: 'home', status: 'active', renewalDate }],
      ...profile,
    });
    const accepted = await post(waymark.app, '/v1/events', {
      id: `${id}-due`,
      signal: 'policy.renewal-due',
      customerId: id,
      data: { policyId: 'pol-1', renewalDate },
    });
    return { id, workflowId: accepted.results[0].runs[0].workflowId as string };
  };
  const waiting = await customer('waiting', {});
  const renews = await customer('renews', {});
  const lapses = await customer('lapses', {});
  const noPolicy = await customer('nopolicy', { policies: [] });
  const noEmail = await customer('noemail', { consent: { email: { status: 'revoked' }, web: granted } });

  // Everyone with a policy got the offer (or its block) and the banner before anything else happens.
  const ledgerDone = async () => {
    const { sends } = (await stats(`?from=${from}`)).body.versions[0];
    return sends.length === 2 && sends.every((s: { total: number }) => s.total === 4);
  };
  await eventually(ledgerDone, 30_000);
  await post(waymark.app, '/v1/events', {
    id: `${renews.id}-renewed`,
    signal: 'policy.renewed',
    customerId: renews.id,
    data: { policyId: 'pol-1', renewalDate: new Date(Date.now() + 395 * DAY_MS).toISOString().slice(0, 10) },
  });
  await post(waymark.app, '/v1/events', {
    id: `${lapses.id}-lapsed`,
    signal: 'policy.changed',
    customerId: lapses.id,
    data: { policyId: 'pol-1', status: 'lapsed' },
  });
  for (const run of [renews, lapses, noPolicy]) await closedRun(waymark.app, run.workflowId);
  expect([waiting.id, noEmail.id]).toHaveLength(2);

  const to = new Date(Date.now() + 60_000).toISOString();
  // Visibility catches up with the closed runs in its own time.
  const body = await eventually(async () => {
    const res = await stats(`?from=${from}&to=${to}`);
    const v1 = res.body.versions[0];
    return v1.entered === 5 && v1.inProgress === 2 && v1.outcomes.lost === 1 ? res.body : undefined;
  }, 30_000);
  expect(body).toMatchObject({ journey: 'renewal-window', from, to });
  const [v1] = body.versions;
  expect(v1).toMatchObject({
    version: 1,
    entered: 5,
    inProgress: 2,
    converted: 1,
    outcomes: { converted: 1, completed: 0, exited: 0, lost: 1, ineligible: 1 },
    exitedBy: {
      'lost: policy lapsed': 1,
      'ineligible: not eligible: policies.policyId, policies.status': 1,
    },
    sampled: false,
  });
  expect(v1.medianTimeToConvertMs).toBeGreaterThan(0);
  expect(v1.steps).toEqual(
    expect.arrayContaining([
      { step: 'wait-for-reminder', inProgress: 2, ended: 2 }, // renewed and lapsed while waiting there
      { step: 'entry', inProgress: 0, ended: 1 },
    ]),
  );
  expect(v1.sends).toEqual([
    expect.objectContaining({ stepId: 'email:renewal-offer', channel: 'email', total: 4, sent: 3, blocked: 1 }),
    expect.objectContaining({ stepId: 'web:renewal-banner', channel: 'web', total: 4, sent: 4, blocked: 0 }),
  ]);
  expect(v1.sends[0].blockedBy).toEqual({ 'email consent revoked': 1 });
  expect(v1.channels).toEqual(
    expect.arrayContaining([expect.objectContaining({ channel: 'email', sent: 3, blocked: 1, deferred: 0 })]),
  );

  // The CLI prints the same from the same sources.
  const cli = await runCli(['stats', 'renewal-window', '--from', from, '--to', to], {
    ...process.env,
    MONGODB_URI: db.uri,
    TEMPORAL_ADDRESS: serverEnv('TEMPORAL_ADDRESS'),
  });
  expect(cli.stderr).toBe('');
  expect(cli.stdout).toContain(
    'v1: entered 5, in progress 2, converted 1, completed 0, exited 0, lost 1, ineligible 1',
  );
  expect(cli.stdout).toMatch(/email:renewal-offer\s+email\s+3\s+0\s+0\s+0\s+1\s+0/);
  expect(cli.stdout).toMatch(/lost: policy lapsed\s+1/);

  // The diagram page draws the same counts under the steps and sends of v1.
  const page = await waymark.app.inject({ url: `/journeys/renewal-window?version=1&from=${from}&to=${to}` });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('Counts under each step come from journey analytics.');
  const drawn = unescapeHtml(/<pre class="mermaid" id="diagram">([\s\S]*?)<\/pre>/.exec(page.body)![1]);
  expect(drawn).toBe(
    journeyDiagram(renewalWindowV1, {
      'wait-for-reminder': { 'in progress': 2, 'ended here': 2 },
      'email:renewal-offer': { sent: 3, blocked: 1 },
      'web:renewal-banner': { sent: 4 },
    }),
  );
  expect(drawn).toContain('sent 3 · blocked 1');
}, 120_000);

const unescapeHtml = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

test('a bad range is a 400 naming the field, an unknown journey a 404; the CLI says how to fix a date', async () => {
  const backwards = await stats('?from=2026-02-01&to=2026-01-01');
  expect(backwards.status).toBe(400);
  expect(backwards.body.details[0]).toMatchObject({ field: 'querystring.to' });
  const garbled = await stats('?from=yesterday');
  expect(garbled.status).toBe(400);
  expect(garbled.body.message).toMatch(/from: 'yesterday' is not an ISO date/);
  const unknown = await waymark.app.inject({ url: '/v1/journeys/no-such/stats', headers: { 'x-api-key': API_KEY } });
  expect(unknown.statusCode).toBe(404);
  expect(unknown.json().message).toMatch(/known: .*renewal-window/);

  const cli = await runCli(['stats', 'renewal-window', '--from', 'last week'], process.env);
  expect(cli.status).toBe(1);
  expect(cli.stderr).toMatch(/waymark: --from: 'last week' is not an ISO date \(2026-11-01\) or date-time/);
});

test('date ranges: dates are midnight UTC, the default is the last 30 days', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  expect(parseStatsRange('2026-11-01', '2026-11-02', now)).toEqual({
    from: new Date('2026-11-01T00:00:00Z'),
    to: new Date('2026-11-02T00:00:00Z'),
  });
  expect(parseStatsRange(undefined, undefined, now)).toEqual({ from: new Date('2026-10-24T12:00:00Z'), to: now });
});
