import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildIntoCache, cacheDir } from './cache';
import { requireTool, runBuildStep } from './run-command';

/**
 * check-jsonschema (PyPI) ships the Compose specification's JSON schema (`vendor.compose-spec`), kept in step with
 * the compose-spec project by its maintainers; no npm package ships a maintained copy.
 */
export const CHECK_JSONSCHEMA_VERSION = '0.39.0';
const CACHE_NAME = `check-jsonschema-${CHECK_JSONSCHEMA_VERSION}`;

/**
 * check-jsonschema, installed from PyPI into a virtualenv in the cache on first use: the command and its first
 * arguments. Run as `python -m` because the virtualenv is built under a scratch name and moved (script shebangs
 * would name the scratch path).
 */
export async function provisionCheckJsonschema(log: (line: string) => void): Promise<[string, ...string[]]> {
  const python = (dir: string) => path.join(dir, 'bin', 'python');
  const command = (dir: string): [string, ...string[]] => [python(dir), '-m', 'check_jsonschema'];
  if (existsSync(python(cacheDir(CACHE_NAME)))) return command(cacheDir(CACHE_NAME));
  requireTool(
    'python3',
    'check-jsonschema (the Compose schema check)',
    'Install Python 3 (apt-get install python3-venv).',
  );
  const finalDir = await buildIntoCache(CACHE_NAME, async (scratch) => {
    await runBuildStep('check-jsonschema', 'python3', ['-m', 'venv', scratch], {
      log,
      fix: 'Install the venv module (apt-get install python3-venv).',
    });
    await runBuildStep(
      'check-jsonschema',
      python(scratch),
      ['-m', 'pip', 'install', '-q', `check-jsonschema==${CHECK_JSONSCHEMA_VERSION}`],
      { log, fix: 'Check that PyPI is reachable from this machine.' },
    );
  });
  return command(finalDir);
}
