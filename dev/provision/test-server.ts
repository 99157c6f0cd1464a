import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildIntoCache, cacheDir } from './cache';
import { requireTool, runBuildStep } from './run-command';

export const TEST_SERVER_VERSION = '1.31.0';
const CACHE_NAME = `temporal-test-server-${TEST_SERVER_VERSION}`;
const POM = path.resolve(__dirname, '..', 'test-server', 'pom.xml');

/**
 * The Java time-skipping test server, fetched from Maven Central, with a launcher script the TS SDK starts as
 * `server.executable: { type: 'existing-path', path }`.
 */
export async function provisionTestServerLauncher(log: (line: string) => void): Promise<string> {
  const dir = cacheDir(CACHE_NAME);
  const launcher = path.join(dir, 'launch.sh');
  if (existsSync(launcher)) return launcher;
  requireTool(
    'java',
    'the Temporal time-skipping test server',
    'Install a JDK 11+ (e.g. apt-get install default-jdk).',
  );
  const finalDir = await buildIntoCache(CACHE_NAME, async (scratch) => {
    requireTool('mvn', 'the Temporal time-skipping test server', 'Install Maven (e.g. apt-get install maven).');
    await runBuildStep(
      'temporal test server',
      'mvn',
      ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${path.join(scratch, 'lib')}`],
      { log, fix: 'Check that Maven Central is reachable from this machine.' },
    );
  });
  const finalLauncher = path.join(finalDir, 'launch.sh');
  writeFileSync(
    finalLauncher,
    `#!/bin/sh\nexec java -cp '${path.join(finalDir, 'lib')}/*' io.temporal.testserver.TestServer "$@"\n`,
  );
  chmodSync(finalLauncher, 0o755);
  return finalLauncher;
}
