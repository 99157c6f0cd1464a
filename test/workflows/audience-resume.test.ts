// A scan whose activity attempt dies mid-window resumes where its heartbeats say it was, not at the start. The
// fault is real: the MongoDB-wire server the worker reads (a private one, so other suites are not disturbed) is
// killed by PID while the scan's cursor is open, and started again on the same data and port. The scan runs on the
// real worker (createWaymarkWorker) with the real router and the Temporal dev server.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import { loadConfig } from '../../config';
import { startStore, type StoreServer } from '../../dev/start-store';
import { freePort } from '../../dev/free-port';
import { EventRecord } from '../../models/event';
import { Profile } from '../../models/profile';
import type { AudienceScanResult } from '../../sdk/contracts/audience';
import { journeyWorkflowId } from '../../sdk/workflow-id';
import { createWaymarkWorker } from '../../worker/create-worker';
import { waymarkDataConverter } from '../../codec/data-converter';
import { serverEnv, uniqueTaskQueue } from '../support/servers';

const PROFILES = 120;
const PAGE_SIZE = 10;
/** Kill the store once this many matches are routed: several pages are behind the scan, most are ahead. */
const KILL_AFTER = 40;
const DAY = 86_400_000;
const AS_OF = '2033-02-01';
const asOf = Date.parse(`${AS_OF}T00:00:00Z`);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'waymark-audience-resume-'));
let port: number;
let store: StoreServer;
const startPrivateStore = () =>
  startStore('mongo-java-server', { dataDir, host: '127.0.0.1', port, log: () => undefined });

afterAll(async () => {
  await mongoose.disconnect();
  await store?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function killed(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      try {
        process.kill(pid, 0);
      } catch {
        clearInterval(poll);
        resolve();
      }
    }, 20);
  });
}

test('a scan attempt killed mid-window is retried from its last heartbeat: every match entered once', async () => {
  port = await freePort();
  store = await startPrivateStore();
  const config = loadConfig({ ...process.env, MONGODB_URI: store.uri });
  await mongoose.connect(store.uri);
  await Profile.init();
  await Profile.insertMany(
    Array.from({ length: PROFILES }, (_, i) => ({
      _id: `resume-${String(i).padStart(4, '0')}`,
      policies: [{ policyId: `pol-${i}`, product: 'home', renewalDate: new Date(asOf + (1 + (i % 28)) * DAY) }],
    })),
  );

  const taskQueue = uniqueTaskQueue('audience-resume');
  const { worker, close } = await createWaymarkWorker(config, {
    taskQueue,
    workflowBundle: { codePath: serverEnv('WAYMARK_WORKFLOW_BUNDLE') },
  });
  const connection = await Connection.connect({ address: serverEnv('TEMPORAL_ADDRESS') });
  const client = new Client({ connection, dataConverter: waymarkDataConverter(config) });
  try {
    const { result, history, routedBeforeKill } = await worker.runUntil(async () => {
      const handle = await client.workflow.start('audienceScan', {
        workflowId: `test-audience-resume-${Date.now()}`,
        taskQueue,
        args: [{ audience: 'renewal-window', windowDays: 30, asOf: AS_OF, pageSize: PAGE_SIZE }],
      });
      let routed = 0;
      while ((routed = await EventRecord.countDocuments({ routedAt: { $exists: true } })) < KILL_AFTER)
        await new Promise((resolve) => setTimeout(resolve, 20));
      await killed(store.pid!);
      await store.stop();
      store = await startPrivateStore();
      const scanned = (await handle.result()) as AudienceScanResult;
      return { result: scanned, history: await handle.fetchHistory(), routedBeforeKill: routed };
    });

    const attempts = Math.max(
      ...history.events!.flatMap((e) =>
        e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt!] : [],
      ),
    );
    expect(attempts).toBeGreaterThanOrEqual(2); // the kill did fail an attempt
    expect(result).toMatchObject({ profilesScanned: PROFILES, matches: PROFILES });
    expect(result.entered + result.duplicates).toBe(PROFILES);
    // Resumed, not restarted: only the pages after the last recorded position were routed again.
    expect(result.duplicates).toBeLessThan(routedBeforeKill);

    const events = await EventRecord.find({ eventId: /^audience:renewal-window:resume-/ }).lean();
    expect({ recorded: events.length, routed: events.filter((e) => e.routedAt).length }).toEqual({
      recorded: PROFILES,
      routed: PROFILES,
    });
    let runs = 0;
    for (let i = 0; i < PROFILES; i++) {
      const id = journeyWorkflowId('renewal-window', `resume-${String(i).padStart(4, '0')}`, `pol-${i}`);
      if (
        await client.workflow
          .getHandle(id)
          .describe()
          .then(
            () => true,
            () => false,
          )
      )
        runs += 1;
    }
    expect(runs).toBe(PROFILES);
    console.log(
      `audience resume: killed after ${routedBeforeKill} of ${PROFILES} routed; ${attempts} attempts; ` +
        `${result.entered} entered, ${result.duplicates} re-routed as duplicates`,
    );
  } finally {
    await connection.close();
    await close();
  }
}, 120_000);
