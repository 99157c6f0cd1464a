import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const started = globalThis.__WAYMARK_STACK__;
  if (!started) return;
  await started.stack.stop();
  rmSync(started.dataDir, { recursive: true, force: true });
}
