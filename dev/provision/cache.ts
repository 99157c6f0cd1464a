import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Built servers live outside the repo, keyed by version, so every clone and CI run on a machine reuses them. */
export function cacheRoot(): string {
  return process.env.WAYMARK_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'waymark');
}

export function cacheDir(name: string): string {
  return path.join(cacheRoot(), name);
}

/**
 * Builds into a scratch directory and renames it into place, so a killed build never leaves a half-filled cache.
 * Returns the final directory.
 */
export async function buildIntoCache(name: string, build: (scratchDir: string) => Promise<void>): Promise<string> {
  const finalDir = cacheDir(name);
  if (existsSync(finalDir)) return finalDir;
  removeAbandonedScratch(name);
  const scratch = `${finalDir}.building-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    await build(scratch);
    if (!existsSync(finalDir)) renameSync(scratch, finalDir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return finalDir;
}

/** Scratch directories of builds whose process is gone (killed mid-build). */
function removeAbandonedScratch(name: string): void {
  if (!existsSync(cacheRoot())) return;
  for (const entry of readdirSync(cacheRoot())) {
    const match = new RegExp(`^${name.replace(/\./g, '\\.')}\\.building-(\\d+)$`).exec(entry);
    if (match && !isAlive(Number(match[1]))) rmSync(path.join(cacheRoot(), entry), { recursive: true, force: true });
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
