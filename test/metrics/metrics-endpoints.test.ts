// `npm run api` and `npm run worker` as real processes (their entry points) against the dev server: events go in,
// the worker sends, and both /metrics answer with the families operators rely on, the worker's with the Temporal SDK's
// own. The Grafana dashboard in deploy/ queries only families that exist.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../dev/free-port';
import { waitForSinkMails } from '../../dev/sink-client';
import { startWaymarkProcess, type WaymarkProcess } from '../../dev/waymark-process';
import { DAY_MS } from '../../sdk/durations';
import { connectTestDatabase, serverEnv, uniqueTaskQueue } from '../support/servers';

const API_KEY = 'metrics-key';
const ROOT = path.resolve(__dirname, '../..');

let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let api: WaymarkProcess;
let worker: WaymarkProcess;
let workerMetricsUrl: string;

beforeAll(async () => {
  db = await connectTestDatabase('metrics');
  const metricsPort = await freePort();
  const env = {
    TEMPORAL_ADDRESS: serverEnv('TEMPORAL_ADDRESS'),
    MONGODB_URI: db.uri,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('metrics'),
    API_KEYS: API_KEY,
    QUIET_HOURS: '',
    METRICS_PORT: String(metricsPort),
    TEMPORAL_METRICS_PORT: String(await freePort()),
  };
  [worker, api] = await Promise.all([startWaymarkProcess('worker', env), startWaymarkProcess('api', env)]);
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
}, 180_000);

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
  await db?.close();
});

async function call(method: string, url: string, body?: object, key = API_KEY) {
  const res = await fetch(`${api.url}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Prometheus text: the families (`# TYPE` lines) and each sample's value by `name{labels}`. */
async function scrape(url: string) {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await res.text();
  const families = new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]));
  const samples = new Map<string, number>();
  for (const m of text.matchAll(/^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/gm)) samples.set(m[1], Number(m[2]));
  return { text, families, samples };
}

test('both processes serve /metrics with the families of events, routing, sends, providers and Temporal', async () => {
  const id = `metrics-${randomUUID().slice(0, 8)}`;
  const email = `${id}@example.com`;
  const renewalDate = new Date(Date.now() + 30 * DAY_MS).toISOString().slice(0, 10);
  const granted = { status: 'granted' };
  expect(
    await call('PUT', `/v1/profiles/${id}`, {
      email,
      timeZone: 'UTC',
      consent: { email: granted, sms: granted, web: granted },
      policies: [{ policyId: 'pol-1', product: 'home', status: 'active', renewalDate }],
    }),
  ).toMatchObject({ status: 200 });
  const due = {
    id: `${id}-due`,
    signal: 'policy.renewal-due',
    customerId: id,
    data: { policyId: 'pol-1', renewalDate },
  };
  expect((await call('POST', '/v1/events', due)).status).toBe(202);
  expect((await call('POST', '/v1/events', due)).status).toBe(202); // the same event again: a duplicate
  const invalid = { ...due, id: `${id}-bad`, data: { policyId: '' } };
  expect((await call('POST', '/v1/events', invalid)).status).toBe(400);
  expect((await call('POST', '/v1/events', due, '')).status).toBe(401);
  await waitForSinkMails(serverEnv('SMTP_SINK_URL'), { to: email, timeoutMs: 30_000 });

  const fromApi = await scrape(`${api.url}/metrics`);
  expect(fromApi.samples.get('waymark_events_total{outcome="accepted",reason="none"}')).toBe(1);
  expect(fromApi.samples.get('waymark_events_total{outcome="duplicate",reason="none"}')).toBe(1);
  expect(fromApi.samples.get('waymark_events_total{outcome="rejected",reason="validation"}')).toBe(1);
  expect(fromApi.samples.get('waymark_events_total{outcome="rejected",reason="unauthorized"}')).toBe(1);
  expect(fromApi.samples.get('waymark_routing_duration_seconds_count{result="routed"}')).toBe(1);
  expect(fromApi.samples.get('waymark_routing_duration_seconds_count{result="duplicate"}')).toBe(1);
  expect(fromApi.families).toContain('process_resident_memory_bytes');

  // The worker's sends are counted once they are recorded; its /metrics carries the Temporal SDK's families too.
  let fromWorker = await scrape(workerMetricsUrl);
  for (let i = 0; i < 50 && !fromWorker.samples.has(sendSample('web')); i++) {
    await new Promise((r) => setTimeout(r, 200));
    fromWorker = await scrape(workerMetricsUrl);
  }
  expect(fromWorker.samples.get(sendSample('email'))).toBe(1);
  expect(fromWorker.samples.get(sendSample('web'))).toBe(1);
  expect(
    fromWorker.samples.get('waymark_provider_request_duration_seconds_count{provider="smtp",result="accepted"}'),
  ).toBe(1);
  for (const family of [
    'waymark_sends_total',
    'waymark_deferrals_total',
    'waymark_caps_total',
    'waymark_provider_request_duration_seconds',
    'waymark_provider_errors_total',
    'waymark_audience_profiles_scanned_total',
    'waymark_audience_matches_total',
    'waymark_audience_pages_total',
    'temporal_workflow_task_schedule_to_start_latency',
    'temporal_workflow_task_execution_latency',
    'temporal_activity_execution_latency',
    'temporal_worker_task_slots_available',
    'temporal_request_total',
  ]) {
    expect(fromWorker.families).toContain(family);
  }
  const temporalFamilies = [...fromWorker.families].filter((f) => f.startsWith('temporal_'));
  process.stdout.write(
    `worker /metrics: ${fromWorker.families.size} families, ${temporalFamilies.length} from the SDK\n`,
  );

  // Every family the Grafana dashboard queries is served by one of the two processes.
  const dashboard = readFileSync(path.join(ROOT, 'deploy/grafana/dashboards/waymark.json'), 'utf8');
  const queried = new Set(
    [...dashboard.matchAll(/\b((?:waymark|temporal|process)_[a-z_]+)/g)].map((m) =>
      m[1].replace(/_(bucket|count|sum)$/, ''),
    ),
  );
  expect(queried.size).toBeGreaterThan(10);
  for (const family of queried)
    expect([family, fromApi.families.has(family) || fromWorker.families.has(family)]).toEqual([family, true]);

  // Prometheus scrapes both services on the ports docker-compose.yml gives them.
  const prometheus = readFileSync(path.join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8');
  const compose = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
  expect(prometheus).toContain("targets: ['api:3000']");
  expect(compose).toContain("ports: ['3000:3000']");
  expect(prometheus).toMatch(/names: \['worker'\]\s+type: A\s+port: 9464/);
  expect(compose).toMatch(/METRICS_HOST: 0\.0\.0\.0\s+METRICS_PORT: 9464/);
}, 120_000);

const sendSample = (channel: string) =>
  `waymark_sends_total{channel="${channel}",outcome="sent",journey="renewal-window"}`;
