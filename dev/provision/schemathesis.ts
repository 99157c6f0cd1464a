import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildIntoCache, cacheDir } from './cache';
import { requireTool, runBuildStep } from './run-command';

/** Schemathesis (PyPI): generates requests from the OpenAPI document and checks every answer against it. */
export const SCHEMATHESIS_VERSION = '4.32.5';
const CACHE_NAME = `schemathesis-${SCHEMATHESIS_VERSION}`;

/** Schemathesis in a virtualenv in the cache (never the repo), installed on first use: the command and its arguments. */
export async function provisionSchemathesis(log: (line: string) => void): Promise<[string, ...string[]]> {
  const python = (dir: string) => path.join(dir, 'bin', 'python');
  const command = (dir: string): [string, ...string[]] => [python(dir), '-m', 'schemathesis.cli'];
  if (existsSync(python(cacheDir(CACHE_NAME)))) return command(cacheDir(CACHE_NAME));
  requireTool('python3', 'Schemathesis (npm run fuzz:api)', 'Install Python 3 (apt-get install python3-venv).');
  const finalDir = await buildIntoCache(CACHE_NAME, async (scratch) => {
    await runBuildStep('schemathesis', 'python3', ['-m', 'venv', scratch], {
      log,
      fix: 'Install the venv module (apt-get install python3-venv).',
    });
    await runBuildStep(
      'schemathesis',
      python(scratch),
      ['-m', 'pip', 'install', '-q', `schemathesis==${SCHEMATHESIS_VERSION}`],
      { log, fix: 'Check that PyPI is reachable from this machine.' },
    );
  });
  return command(finalDir);
}
