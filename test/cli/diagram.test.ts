// `waymark diagram` as users run it: the real CLI in a child process.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { dependentTurning26V2 } from '../../journeys';
import { journeyDiagram } from '../../diagrams/journey-diagram';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const waymark = (...args: string[]) =>
  run(path.join(ROOT, 'node_modules/.bin/tsx'), ['cli/main.ts', ...args], { cwd: ROOT, env: process.env });

test('prints the Mermaid text of the newest version', async () => {
  const { stdout } = await waymark('diagram', 'dependent-turning-26');
  expect(stdout).toBe(journeyDiagram(dependentTurning26V2));
  expect(stdout).toContain('sleep until addDays(birthday(), -7)');
});

test('an unknown version exits 1 with the versions that exist', async () => {
  const failed = await waymark('diagram', 'renewal-window', '--version', '3').then(
    () => undefined,
    (err: { code: number; stderr: string }) => err,
  );
  expect(failed?.code).toBe(1);
  expect(failed?.stderr.trim()).toBe('waymark: journey "renewal-window" has no version 3; its versions: 1');
});
