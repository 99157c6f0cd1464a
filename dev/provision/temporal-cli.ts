import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildIntoCache, cacheDir } from './cache';
import { onPath, requireTool, runBuildStep } from './run-command';

export const TEMPORAL_CLI_VERSION = '1.5.1';
const CACHE_NAME = `temporal-cli-${TEMPORAL_CLI_VERSION}`;

/** The Temporal CLI (dev server): `temporal` on PATH, else our cache, else `go install` from the Go module proxy. */
export async function provisionTemporalCli(log: (line: string) => void): Promise<string> {
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  const cached = path.join(cacheDir(CACHE_NAME), 'temporal');
  if (existsSync(cached)) return cached;
  requireTool(
    'go',
    'the Temporal dev server',
    'Install Go (https://go.dev/dl) or put a `temporal` binary on PATH, or set TEMPORAL_ADDRESS to a running server.',
  );
  log(`Temporal CLI ${TEMPORAL_CLI_VERSION} not found: building it once with go install (6 to 13 minutes on 2 cores)…`);
  // Later tags carry a replace directive that `go install` refuses; 1.5.1 is the newest that installs.
  const dir = await buildIntoCache(CACHE_NAME, (scratch) =>
    runBuildStep('temporal cli', 'go', ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], {
      env: { GOBIN: scratch },
      log,
      fix: 'Check that the Go module proxy is reachable (GOPROXY), or set TEMPORAL_ADDRESS to a running Temporal server.',
    }),
  );
  return path.join(dir, 'temporal');
}
