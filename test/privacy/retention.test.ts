import { loadConfig } from '../../config';
import { EventRecord } from '../../models/event';
import { FrequencySlot } from '../../models/frequency-slot';
import { WebMessage } from '../../models/web-message';
import type { RetentionSweepResult } from '../../sdk/contracts/retention';
import { ensureEventRetentionIndex } from '../../privacy/retention';
import { createWaymarkWorker, type WaymarkWorker } from '../../worker/create-worker';
import { RETENTION_SCHEDULE_ID, RETENTION_WORKFLOW_ID, ensureRetentionSchedule } from '../../worker/retention-schedule';
import { connectTestDatabase, uniqueTaskQueue, workflowCodeOptions } from '../support/servers';

const DAY = 86_400_000;

// The retention sweep as it runs in production: its Temporal Schedule starts the system workflow on the worker,
// whose activity deletes what has expired (the embedded stores ignore TTL indexes: this sweep is what deletes there).
describe('retention sweep', () => {
  let db: Awaited<ReturnType<typeof connectTestDatabase>>;
  let worker: WaymarkWorker;
  let running: Promise<void>;
  const config = loadConfig({
    ...process.env,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('retention'),
    EVENT_RETENTION_DAYS: '30',
  });

  beforeAll(async () => {
    db = await connectTestDatabase('retention');
    worker = await createWaymarkWorker(config, workflowCodeOptions());
    running = worker.worker.run();
  });

  afterAll(async () => {
    await worker.temporal.schedule
      .getHandle(RETENTION_SCHEDULE_ID)
      .delete()
      .catch(() => undefined);
    worker.worker.shutdown();
    await running;
    await worker.close();
    await db.close();
  });

  it('deletes expired web messages and cap slots and events past the retention, and keeps the rest', async () => {
    const now = Date.now();
    const message = (id: string, expiresAt: number) => ({
      _id: id,
      customerId: 'ret-1',
      journey: 'abandoned-cart',
      template: 'cart-web-nudge',
      title: 't',
      body: 'b',
      expiresAt: new Date(expiresAt),
    });
    await WebMessage.create([message('msg-old', now - DAY), message('msg-live', now + DAY)]);
    const slot = (id: string, expiresAt: number) => ({
      _id: id,
      customerId: 'ret-1',
      channel: 'email',
      window: 'week:2026-01-05',
      slot: 0,
      deliveryId: id,
      expiresAt: new Date(expiresAt),
    });
    await FrequencySlot.create([slot('cap-old', now - DAY), slot('cap-live', now + DAY)]);
    const event = (id: string, receivedAt: number) => ({
      _id: id,
      signal: 'cart.updated',
      version: 1,
      customerId: 'ret-1',
      occurredAt: new Date(receivedAt),
      receivedAt: new Date(receivedAt),
      data: {},
    });
    await EventRecord.collection.insertMany([
      event('evt-old', now - 31 * DAY),
      event('evt-live', now - 29 * DAY),
    ] as never[]);

    await ensureRetentionSchedule(worker.temporal, config);
    const schedule = await worker.temporal.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();
    expect(schedule.action).toMatchObject({ workflowType: 'retentionSweep', args: [{ eventRetentionDays: 30 }] });
    expect(schedule.spec.calendars?.[0]).toMatchObject({ hour: [{ start: config.RETENTION_SWEEP_HOUR_UTC }] });
    await worker.temporal.schedule.getHandle(RETENTION_SCHEDULE_ID).trigger();

    let result: RetentionSweepResult | undefined;
    const deadline = Date.now() + 30_000;
    while (!result && Date.now() < deadline) {
      try {
        const runs = worker.temporal.workflow.list({ query: `WorkflowType = 'retentionSweep'` });
        for await (const run of runs) {
          if (run.workflowId.startsWith(RETENTION_WORKFLOW_ID) && run.status.name === 'COMPLETED') {
            result = await worker.temporal.workflow.getHandle(run.workflowId, run.runId).result();
          }
        }
      } catch {
        // visibility not caught up yet
      }
      if (!result) await new Promise((r) => setTimeout(r, 200));
    }
    expect(result).toMatchObject({ webMessages: 1, capSlots: 1, events: 1 });
    expect((await WebMessage.find().lean()).map((m) => m._id)).toEqual(['msg-live']);
    expect((await FrequencySlot.find().lean()).map((s) => s._id)).toEqual(['cap-live']);
    expect((await EventRecord.find().lean()).map((e) => e._id)).toEqual(['evt-live']);
  });

  it('declares the TTL indexes MongoDB deletes by, following EVENT_RETENTION_DAYS', async () => {
    await ensureEventRetentionIndex(30);
    await ensureEventRetentionIndex(45);
    const ttl = (await EventRecord.collection.indexes()).find((i) => i.name === 'receivedAt_retention_ttl');
    expect(ttl).toMatchObject({ key: { receivedAt: 1 }, expireAfterSeconds: 45 * 86_400 });
    await WebMessage.init();
    await FrequencySlot.init();
    for (const model of [WebMessage, FrequencySlot]) {
      const indexes = await model.collection.indexes();
      const ttl = indexes.find((i) => Object.keys(i.key).join() === 'expiresAt');
      expect(ttl).toMatchObject({ expireAfterSeconds: 0 });
    }
  });
});
