// The audience scan on the dev server: reads the window in _id order through one cursor per run, continues as new,
// signal-with-starts one journey run per match through the real router, and a second scan of the same day starts
// nothing.
// Journey runs go to a task queue no worker polls: this suite is about entry, the journeys have their own.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import mongoose from 'mongoose';
import { createAudienceActivities } from '../../activities/audience-activities';
import { addYears } from '../../sdk/dates';
import type { AudienceScanInput, AudienceScanResult } from '../../sdk/contracts/audience';
import { Profile } from '../../models/profile';
import { createEventRouter } from '../../routing/event-router';
import { WaymarkJourney, WaymarkJourneyVersion } from '../../sdk/search-attributes';
import { journeyWorkflowId } from '../../sdk/workflow-id';
import { newestJourneyVersions } from '../../journeys/newest-versions';
import { audienceCatalog } from '../../journeys';
import { audienceScheduleId } from '../../sdk/workflow-id';
import { ensureAudienceIndexes } from '../../worker/audience-indexes';
import { ensureAudienceSchedules } from '../../worker/schedules';
import { DAY_MS } from '../../sdk/durations';
import { waymarkDataConverter } from '../../codec/data-converter';
import { loadConfig } from '../../config';

/** Audience entry, like event entry, starts the newest version of a journey. */
const newestWorkflowType = (journey: string) =>
  newestJourneyVersions().find((w) => w.journey.name === journey)!.workflowType;

const SCAN_QUEUE = 'lifecycle-audience-scan';
const JOURNEY_QUEUE = 'lifecycle-audience-journeys';
// A scan day no other suite has profiles around, so the window holds only this suite's profiles.
const AS_OF = '2031-03-01';
const asOf = Date.parse(`${AS_OF}T00:00:00Z`);

let connection: Connection;
let client: Client;
let nativeConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  await mongoose.connect(process.env.MONGODB_URI!);
  await ensureAudienceIndexes(); // the worker makes the date indexes at start; this suite wires its own worker
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  // Schedules on the shared dev server may have been made by a real worker, with encrypted payloads.
  const dataConverter = waymarkDataConverter(loadConfig(process.env));
  client = new Client({ connection, dataConverter });
  nativeConnection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: SCAN_QUEUE,
    dataConverter,
    workflowBundle: { codePath: process.env.WAYMARK_WORKFLOW_BUNDLE! },
    activities: createAudienceActivities({
      routeEvent: createEventRouter({ client, taskQueue: JOURNEY_QUEUE }),
    }),
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await nativeConnection?.close();
  await connection?.close();
  await mongoose.disconnect();
});

const policy = (policyId: string, status: string, inDays: number) => ({
  policyId,
  product: 'home',
  status,
  renewalDate: new Date(asOf + inDays * DAY_MS),
});

/** 7 active policies renewing in the 30-day window, 2 cancelled ones in it, 2 active ones after it. */
async function seedRenewals(prefix: string) {
  const due: Array<{ customerId: string; policyId: string }> = [];
  for (let i = 0; i < 7; i++) {
    const customerId = `${prefix}-due-${i}`;
    await Profile.create({ _id: customerId, policies: [policy(`pol-${i}`, 'active', 1 + i * 4)] });
    due.push({ customerId, policyId: `pol-${i}` });
  }
  for (let i = 0; i < 2; i++) {
    await Profile.create({ _id: `${prefix}-cancelled-${i}`, policies: [policy('pol-c', 'cancelled', 10)] });
    await Profile.create({ _id: `${prefix}-later-${i}`, policies: [policy('pol-l', 'active', 31 + i)] });
  }
  return due;
}

async function scan(input: AudienceScanInput): Promise<AudienceScanResult> {
  return client.workflow.execute('audienceScan', {
    workflowId: `test-audience-scan-${input.audience}-${Date.now()}`,
    taskQueue: SCAN_QUEUE,
    args: [input],
  });
}

test('a scan pages through the window, continues as new, and starts one renewal-window run per active policy', async () => {
  const due = await seedRenewals('scan');
  const input: AudienceScanInput = {
    audience: 'renewal-window',
    windowDays: 30,
    asOf: AS_OF,
    pageSize: 3,
    pagesPerRun: 2,
  };

  const first = await scan(input);

  expect(first).toMatchObject({ profilesScanned: 9, matches: 7, entered: 7, started: 7, duplicates: 0 });
  expect(first.runs).toBeGreaterThan(1);
  expect(first.windowStart).toBe(`${AS_OF}T00:00:00.000Z`);
  const runIds = new Map<string, string>();
  for (const { customerId, policyId } of due) {
    const run = await client.workflow.getHandle(journeyWorkflowId('renewal-window', customerId, policyId)).describe();
    expect(run.type).toBe(newestWorkflowType('renewal-window'));
    expect(run.typedSearchAttributes.get(WaymarkJourney)).toBe('renewal-window');
    expect(run.typedSearchAttributes.get(WaymarkJourneyVersion)).toBe(1);
    runIds.set(run.workflowId, run.runId);
  }

  const again = await scan(input);

  expect(again).toMatchObject({ matches: 7, entered: 0, started: 0, duplicates: 7 });
  for (const [workflowId, runId] of runIds) {
    expect((await client.workflow.getHandle(workflowId).describe()).runId).toBe(runId);
  }
});

test('dependents turning 26 in the window enter dependent-turning-26, covered ones do not', async () => {
  const birth = (inDays: number) => addYears(new Date(asOf + inDays * DAY_MS), -26);
  await Profile.create({
    _id: 'deps-parent',
    dependents: [
      { dependentId: 'dep-soon', birthDate: birth(20), policyId: 'pol-h', firstName: 'Ada' },
      { dependentId: 'dep-covered', birthDate: birth(21), policyId: 'pol-h', covered: true },
      { dependentId: 'dep-later', birthDate: birth(90), policyId: 'pol-h' },
    ],
  });

  const result = await scan({ audience: 'dependent-turning-26', windowDays: 60, asOf: AS_OF });

  expect(result).toMatchObject({ profilesScanned: 1, matches: 1, entered: 1, started: 1 });
  const run = await client.workflow
    .getHandle(journeyWorkflowId('dependent-turning-26', 'deps-parent', 'dep-soon'))
    .describe();
  expect(run.type).toBe(newestWorkflowType('dependent-turning-26'));
});

test('the worker start creates one daily schedule per audience, keeps an operator pause, and a trigger runs the scan', async () => {
  const config = { TEMPORAL_TASK_QUEUE: SCAN_QUEUE };
  const ids = await ensureAudienceSchedules(client, config);
  expect(ids).toEqual(audienceCatalog.map((a) => audienceScheduleId(a.name)));

  const renewal = client.schedule.getHandle(audienceScheduleId('renewal-window'));
  const described = await renewal.describe();
  expect(described.action).toMatchObject({
    type: 'startWorkflow',
    workflowType: 'audienceScan',
    taskQueue: SCAN_QUEUE,
  });
  expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 6, end: 6, step: 1 }] });

  await renewal.pause('paused by the test');
  await ensureAudienceSchedules(client, config);
  expect((await renewal.describe()).state.paused).toBe(true);
  await renewal.unpause();

  await renewal.trigger();
  for (;;) {
    const { recentActions } = (await renewal.describe()).info;
    const action = recentActions[0]?.action;
    if (action) {
      const result = await client.workflow
        .getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId)
        .result();
      expect(result).toMatchObject({ audience: 'renewal-window' });
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});
