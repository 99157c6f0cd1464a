import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../../dev/stack';
import { findProcess } from './proc';

export interface BenchServers {
  /** The servers' addresses as the app reads them, the MongoDB URI pointing at a database of this run's own. */
  env: NodeJS.ProcessEnv & { TEMPORAL_ADDRESS: string; MONGODB_URI: string };
  /** This run's tag: task queues and ids carry it, so runs on shared servers never meet. */
  tag: string;
  /** The processes serving this run, when this machine runs them (for CPU figures). */
  pids: { temporal?: number; store?: number };
  stop(): Promise<void>;
}

/**
 * The servers a bench runs against: those named by TEMPORAL_ADDRESS and MONGODB_URI when both are set, else a
 * private embedded stack in a temp dir (stopped by `stop`). Loopback only.
 */
export async function benchServers(log: (line: string) => void): Promise<BenchServers> {
  const external = Boolean(process.env.TEMPORAL_ADDRESS && process.env.MONGODB_URI);
  let stack: Stack | undefined;
  if (!external) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'waymark-bench-'));
    log(`starting a private embedded stack in ${dataDir}`);
    stack = await startStack({ dataDir, ports: 'free', ui: false, log: () => undefined });
  }
  const tag = randomUUID().slice(0, 8);
  // The embedded stack's development secrets are accepted with this mark (config/secrets.ts).
  const base = { ...process.env, ...stack?.env, ...(stack ? { WAYMARK_DEV_STACK: '1' } : {}) } as BenchServers['env'];
  const uri = new URL(base.MONGODB_URI);
  uri.pathname = `/waymark-bench-${tag}`;
  const temporalPort = base.TEMPORAL_ADDRESS.split(':').at(-1)!;
  return {
    env: { ...base, MONGODB_URI: uri.toString() },
    tag,
    pids: { temporal: findProcess('start-dev', '--port', ` ${temporalPort} `), store: stack?.storePid },
    stop: async () => {
      await stack?.stop();
    },
  };
}
