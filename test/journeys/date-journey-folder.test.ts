// A date journey needs only its folder: the fixture trial-ending journey (fixtures/trial-ending/: its signal, audience
// on a profile attribute no shared file knows, template and version) runs end to end on the real worker
// (createWaymarkWorker, given the folder's catalog and a bundle of the folder) and the real API (buildServer):
// profiles PUT through the API, the worker makes the audience's date index at start, the daily scan finds the
// trials ending within the week through that index, starts one run each, and the mail arrives in the SMTP sink.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/server';
import { loadConfig } from '../../config';
import { waitForSinkMails } from '../../dev/sink-client';
import { catalogOf } from '../../journeys/journey-folder';
import { Profile } from '../../models/profile';
import type { AudienceScanResult } from '../../sdk/contracts/audience';
import { journeyWorkflowId } from '../../sdk/workflow-id';
import { createWaymarkWorker, type WaymarkWorker } from '../../worker/create-worker';
import { API_KEY, closedRun, put } from '../e2e/support';
import { connectTestDatabase, serverEnv, uniqueTaskQueue } from '../support/servers';
import { trialEndingFolder } from './fixtures/trial-ending';

// A scan day of this suite's own: only its profiles have trials ending around it.
const AS_OF = '2031-07-01';

let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let waymark: WaymarkWorker;
let running: Promise<void>;
let app: FastifyInstance;
const taskQueue = uniqueTaskQueue('date-journey');

beforeAll(async () => {
  db = await connectTestDatabase('date-journey');
  const config = loadConfig({
    ...process.env,
    TEMPORAL_TASK_QUEUE: taskQueue,
    API_KEYS: API_KEY,
    QUIET_HOURS: '',
  });
  waymark = await createWaymarkWorker(config, {
    workflowsPath: path.resolve(__dirname, 'fixtures/trial-ending-workflows.ts'),
    catalog: catalogOf([trialEndingFolder]),
  });
  running = waymark.worker.run();
  app = await buildServer({ config, temporal: waymark.temporal });
}, 180_000);

afterAll(async () => {
  await app?.close();
  waymark?.worker.shutdown();
  await running;
  await waymark?.close();
  await db?.close();
});

const granted = { status: 'granted' };

test('a date journey defined in its own folder: index made at start, scan by its date field, one run and mail each', async () => {
  const indexes = await Profile.collection.indexes();
  expect(indexes.map((i) => i.key)).toContainEqual({ 'attributes.trialEndsAt': 1 });

  const trial = (id: string, trialEndsAt: string) =>
    put(app, `/v1/profiles/${id}`, {
      email: `${id}@example.com`,
      timeZone: 'UTC',
      consent: { email: granted },
      attributes: { trialEndsAt, plan: 'pro' },
    });
  await trial('trial-due-1', '2031-07-03');
  await trial('trial-due-2', '2031-07-07');
  await trial('trial-later', '2031-07-08'); // the window is 7 days: 1 to 7 July
  await trial('trial-past', '2031-06-30');

  const scan = (id: string) =>
    waymark.temporal.workflow.execute('audienceScan', {
      workflowId: `test-trial-ending-scan-${id}-${Date.now()}`,
      taskQueue,
      args: [{ audience: 'trial-ending', windowDays: 7, asOf: AS_OF }],
    }) as Promise<AudienceScanResult>;

  const first = await scan('first');

  expect(first).toMatchObject({ profilesScanned: 2, matches: 2, entered: 2, started: 2, duplicates: 0 });
  for (const [id, endsOn] of [
    ['trial-due-1', '2031-07-03'],
    ['trial-due-2', '2031-07-07'],
  ]) {
    const [mail] = await waitForSinkMails(serverEnv('SMTP_SINK_URL'), { to: `${id}@example.com`, timeoutMs: 20_000 });
    expect(mail.subject).toBe(`Your pro trial ends on ${endsOn}`);
    const run = await closedRun(app, journeyWorkflowId('trial-ending', id, endsOn));
    expect(run).toMatchObject({ status: 'COMPLETED', journey: 'trial-ending', version: 1 });
  }

  // The same day again: the deterministic event ids make it a no-op.
  expect(await scan('again')).toMatchObject({ matches: 2, entered: 0, started: 0, duplicates: 2 });
}, 120_000);
