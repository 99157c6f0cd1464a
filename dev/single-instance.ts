import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Two `npm start` on one data directory would run two Temporal servers on the same SQLite file. Claims the directory
 * for this process, or returns the pid of the live process that holds it.
 */
export function claimDataDir(dataDir: string): { heldBy: number } | { release(): void } {
  const pidFile = path.join(dataDir, 'start.pid');
  const holder = Number(readFileOrEmpty(pidFile));
  if (holder && holder !== process.pid && isAlive(holder)) return { heldBy: holder };
  writeFileSync(pidFile, String(process.pid));
  return { release: () => rmSync(pidFile, { force: true }) };
}

function readFileOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
