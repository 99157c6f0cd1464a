import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildIntoCache, cacheDir } from './cache';
import { requireTool, runBuildStep } from './run-command';

export const FERRETDB_VERSION = '1.24.0';
const SOURCE_DIR = path.resolve(__dirname, '..', 'ferretdb');

/** Cache key: the FerretDB version plus a hash of our main, so a changed main is rebuilt. */
function cacheName(): string {
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(path.join(SOURCE_DIR, file)));
  return `ferretdb-${FERRETDB_VERSION}-${hash.digest('hex').slice(0, 10)}`;
}

/** Our FerretDB main (MongoDB wire protocol over SQLite), built from the Go module proxy into the cache. */
export async function provisionFerretdb(log: (line: string) => void): Promise<string> {
  const name = cacheName();
  const cached = path.join(cacheDir(name), 'waymark-ferretdb');
  if (existsSync(cached)) return cached;
  requireTool(
    'go',
    'the embedded MongoDB-wire server (FerretDB)',
    'Install Go (https://go.dev/dl), or set MONGODB_URI to a MongoDB server (e.g. mongodb://127.0.0.1:27017/waymark).',
  );
  log(`FerretDB ${FERRETDB_VERSION} not found: building it once (2 to 3 minutes)…`);
  const dir = await buildIntoCache(name, (scratch) =>
    runBuildStep('ferretdb', 'go', ['build', '-o', path.join(scratch, 'waymark-ferretdb'), '.'], {
      cwd: SOURCE_DIR,
      log,
      fix: 'Check that the Go module proxy is reachable (GOPROXY), or set MONGODB_URI to a MongoDB server.',
    }),
  );
  return path.join(dir, 'waymark-ferretdb');
}
