// The store the embedded stack starts by default keeps every acknowledged write when its process is killed by PID
// (SIGKILL: no shutdown hook runs). Started through startStack, as npm start and the test setup do.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startStack, type Stack } from '../../dev/stack';
import { serverEnv } from '../support/servers';

const WRITES = 150;

/** Only the store: every other address is the global setup's. */
function startStoreOnly(dataDir: string): Promise<Stack> {
  return startStack({
    dataDir,
    ports: 'free',
    ui: false,
    log: () => undefined,
    env: {
      WAYMARK_STORE: 'mongo-java-server',
      TEMPORAL_ADDRESS: serverEnv('TEMPORAL_ADDRESS'),
      SMTP_URL: serverEnv('SMTP_URL'),
      TWILIO_API_URL: serverEnv('TWILIO_API_URL'),
      TWILIO_ACCOUNT_SID: serverEnv('TWILIO_ACCOUNT_SID'),
      TWILIO_AUTH_TOKEN: serverEnv('TWILIO_AUTH_TOKEN'),
    },
  });
}

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

describe('mongo-java-server as the stack starts it', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'waymark-store-durability-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every acknowledged insert, update and delete across a SIGKILL', async () => {
    const first = await startStoreOnly(dataDir);
    expect(first.store).toBe('mongo-java-server');
    const before = await mongoose.createConnection(first.env.MONGODB_URI).asPromise();
    const docs = before.collection('acknowledged');
    try {
      for (let i = 0; i < WRITES; i++) {
        await docs.insertOne({ _id: `doc-${i}` as never, state: 'inserted' });
        if (i % 3 === 1) await docs.updateOne({ _id: `doc-${i}` as never }, { $set: { state: 'updated' } });
        if (i % 3 === 2) await docs.deleteOne({ _id: `doc-${i}` as never });
      }
      // Killed right after the last acknowledgement, before any background commit could run.
      await killed(first.storePid!);
    } finally {
      await before.close(true).catch(() => undefined);
      await first.stop();
    }

    const second = await startStoreOnly(dataDir);
    const after = await mongoose.createConnection(second.env.MONGODB_URI).asPromise();
    try {
      const found = new Map(
        (await after.collection('acknowledged').find().toArray()).map((d) => [String(d._id), d.state]),
      );
      const expected = new Map<string, string>();
      for (let i = 0; i < WRITES; i++) if (i % 3 !== 2) expected.set(`doc-${i}`, i % 3 === 1 ? 'updated' : 'inserted');
      const held = [...expected].filter(([id, state]) => found.get(id) === state).length;
      expect({ tried: expected.size, held, extra: found.size - held }).toEqual({
        tried: expected.size,
        held: expected.size,
        extra: 0,
      });
    } finally {
      await after.close();
      await second.stop();
    }
  });
});
