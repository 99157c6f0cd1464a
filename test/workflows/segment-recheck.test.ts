// Behaviour windows lapse with time, event or not: the segment recheck sweep (a Temporal Schedule, the segmentRecheck
// system workflow and its activity) finds the profiles whose `segmentsRecheckAt` has come, takes them out of
// window-shoppers and routes segment.exited. Against the real servers: the Temporal dev server (schedules), the real
// worker (createWaymarkWorker) and API (buildServer), the MongoDB-wire store.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { EventRecord } from '../../models/event';
import { Profile } from '../../models/profile';
import type { SegmentRecheckInput, SegmentRecheckResult } from '../../sdk/contracts/segment-recheck';
import { DAY_MS } from '../../sdk/durations';
import { SEGMENT_RECHECK_SCHEDULE_ID, SEGMENT_RECHECK_WORKFLOW_ID } from '../../sdk/workflow-id';
import { ensureSegmentRecheckSchedule } from '../../worker/schedules';
import { API_KEY, post, put, startWaymark } from '../e2e/support';
import { connectTestDatabase, serverEnv } from '../support/servers';

/** How long after the customer entered window-shoppers their window lapses. */
const LAPSE_MS = 5_000;
const WINDOW_SHOPPERS = 'window-shoppers';

let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let waymark: Awaited<ReturnType<typeof startWaymark>> | undefined;

beforeAll(async () => {
  db = await connectTestDatabase('segment-recheck');
  await Profile.init(); // mongoose's own index builds, finished before the tests write
  waymark = await startWaymark(serverEnv('TEMPORAL_ADDRESS'));
}, 120_000);

afterAll(async () => {
  await waymark?.waymark.temporal.schedule
    .getHandle(SEGMENT_RECHECK_SCHEDULE_ID)
    .delete()
    .catch(() => undefined);
  await waymark?.stop();
  await db?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Three product views: the first `lapseInMs` from leaving the 7-day window, the others now. The customer enters
 * window-shoppers on the third; their window lapses when the first view is 7 days old.
 */
async function windowShopper(customerId: string, lapseInMs: number): Promise<void> {
  const first = Date.now() - 7 * DAY_MS + lapseInMs;
  await put(waymark!.app, `/v1/profiles/${customerId}`, { email: `${customerId}@example.com`, timeZone: 'UTC' });
  let report;
  for (let view = 0; view < 3; view++) {
    const res = await post(waymark!.app, '/v1/events', {
      id: `${customerId}-view-${view}`,
      signal: 'product.viewed',
      customerId,
      occurredAt: new Date(view === 0 ? first : Date.now()).toISOString(),
      data: { productId: 'tent-2p', name: 'Two-person tent', url: 'https://shop.example/p/tent-2p' },
    });
    report = res.results[0];
  }
  expect(report.segments).toEqual(expect.arrayContaining([{ segment: WINDOW_SHOPPERS, change: 'entered' }]));
}

async function segmentsOf(customerId: string): Promise<string[]> {
  const res = await waymark!.app.inject({ url: `/v1/profiles/${customerId}`, headers: { 'x-api-key': API_KEY } });
  return (res.json().segments ?? []).map((s: { name: string }) => s.name);
}

/** Waits until every given profile's recheck time has passed. */
async function untilDue(customerIds: string[]): Promise<void> {
  const profiles = await Profile.find({ _id: { $in: customerIds } }, { segmentsRecheckAt: 1 }).lean();
  expect(profiles).toHaveLength(customerIds.length);
  const latest = Math.max(...profiles.map((p) => p.segmentsRecheckAt!.getTime()));
  await sleep(Math.max(0, latest - Date.now() + 100));
}

async function exitEvents(customerId: string) {
  return EventRecord.find({ customerId, signal: 'segment.exited' }).lean();
}

test('the sweep takes customers whose window lapsed out of window-shoppers, page by page, and routes segment.exited', async () => {
  const suffix = randomUUID().slice(0, 8);
  const lapsing = Array.from({ length: 5 }, (_, i) => `lapsing-${suffix}-${i}`);
  const staying = `staying-${suffix}`;
  for (const customerId of lapsing) await windowShopper(customerId, LAPSE_MS);
  await windowShopper(staying, 3 * DAY_MS);
  await untilDue(lapsing);

  // Time alone changes nothing: without the sweep they would stay members until their next event.
  for (const customerId of lapsing) expect(await segmentsOf(customerId)).toContain(WINDOW_SHOPPERS);

  const client: Client = waymark!.waymark.temporal;
  const sweep = (input: SegmentRecheckInput) =>
    client.workflow.execute('segmentRecheck', {
      workflowId: `test-segment-recheck-${randomUUID()}`,
      taskQueue: waymark!.config.TEMPORAL_TASK_QUEUE,
      args: [input],
    }) as Promise<SegmentRecheckResult>;

  const result = await sweep({ pageSize: 2, pagesPerRun: 1 });

  expect(result).toMatchObject({ profilesChecked: 5, exited: 5, entered: 0, pages: 3 });
  expect(result.runs).toBe(3); // one page per run: continued as new twice
  for (const customerId of lapsing) {
    expect(await segmentsOf(customerId)).not.toContain(WINDOW_SHOPPERS);
    const exits = await exitEvents(customerId);
    expect(exits).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ segment: WINDOW_SHOPPERS, reason: 'window lapsed' }),
        routedAt: expect.any(Date),
      }),
    ]);
    expect((await Profile.findById(customerId).lean())!.segmentsRecheckAt).toBeUndefined();
  }
  expect(await segmentsOf(staying)).toContain(WINDOW_SHOPPERS);
  expect(await exitEvents(staying)).toEqual([]);
  const members = await waymark!.app.inject({
    url: `/v1/segments/${WINDOW_SHOPPERS}/members?limit=1000`,
    headers: { 'x-api-key': API_KEY },
  });
  const memberIds = members.json().members.map((m: { customerId: string }) => m.customerId);
  expect(memberIds).toContain(staying);
  for (const customerId of lapsing) expect(memberIds).not.toContain(customerId);

  // Nothing is due any more: a second sweep checks no one and routes nothing.
  expect(await sweep({})).toMatchObject({ profilesChecked: 0, exited: 0, runs: 1 });
  for (const customerId of lapsing) expect(await exitEvents(customerId)).toHaveLength(1);
});

test('the schedule made at one worker start runs the sweep after that worker is replaced by a new one', async () => {
  const customerId = `scheduled-${randomUUID().slice(0, 8)}`;
  await windowShopper(customerId, LAPSE_MS);
  await ensureSegmentRecheckSchedule(waymark!.waymark.temporal, waymark!.config);

  // The worker process goes away and a new one starts (its start brings the schedule up to date, as worker/main does).
  await waymark!.stop();
  waymark = undefined;
  waymark = await startWaymark(serverEnv('TEMPORAL_ADDRESS'));
  const client = waymark.waymark.temporal;
  await ensureSegmentRecheckSchedule(client, waymark.config);
  const schedule = client.schedule.getHandle(SEGMENT_RECHECK_SCHEDULE_ID);
  const described = await schedule.describe();
  expect(described.action).toMatchObject({
    type: 'startWorkflow',
    workflowType: 'segmentRecheck',
    taskQueue: waymark.config.TEMPORAL_TASK_QUEUE,
  });
  expect(described.spec.intervals?.[0]?.every).toBe(15 * 60_000);

  await untilDue([customerId]);
  expect(await segmentsOf(customerId)).toContain(WINDOW_SHOPPERS);
  const before = (await schedule.describe()).info.recentActions.length;
  await schedule.trigger();
  let result: SegmentRecheckResult | undefined;
  while (!result) {
    const actions = (await schedule.describe()).info.recentActions;
    const action = actions.length > before ? actions[actions.length - 1].action : undefined;
    if (action) {
      expect(action.workflow.workflowId.startsWith(SEGMENT_RECHECK_WORKFLOW_ID)).toBe(true);
      result = await client.workflow
        .getHandle<() => Promise<SegmentRecheckResult>>(action.workflow.workflowId, action.workflow.firstExecutionRunId)
        .result();
    } else await sleep(200);
  }

  expect(result.exited).toBeGreaterThanOrEqual(1);
  expect(await segmentsOf(customerId)).not.toContain(WINDOW_SHOPPERS);
  expect(await exitEvents(customerId)).toHaveLength(1);
});
