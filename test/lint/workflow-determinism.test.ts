import path from 'node:path';
import { spawnSync } from 'node:child_process';

const root = path.resolve(__dirname, '../..');

interface LintResult {
  messages: Array<{ ruleId: string | null; line: number }>;
}

// The real CLI with the project's config (Jest's VM cannot load the ESM config in-process).
async function ruleIdsFor(code: string, file: string): Promise<string[]> {
  const run = spawnSync(
    path.join(root, 'node_modules/.bin/eslint'),
    ['--stdin', '--stdin-filename', path.join(root, file), '--format', 'json'],
    { cwd: root, input: code, encoding: 'utf8' },
  );
  const [result] = JSON.parse(run.stdout) as LintResult[];
  return result.messages.filter((m) => m.ruleId?.startsWith('no-restricted-')).map((m) => `${m.ruleId}@${m.line}`);
}

describe('workflow determinism lint', () => {
  const forbidden = [
    "import { readFileSync } from 'node:fs';",
    "import mongoose from 'mongoose';",
    "import nodemailer from 'nodemailer';",
    "import twilio from 'twilio';",
    "import { createActivities } from '../activities';",
    'export const t = Date.now();',
    'export const r = Math.random();',
    'export const s = setTimeout;',
  ];

  it.each(['workflows/probe.ts', 'journeys/probe/v1.ts'])('rejects I/O and non-determinism in %s', async (file) => {
    const ids = await ruleIdsFor(forbidden.join('\n') + '\n', file);
    expect(ids).toEqual([
      'no-restricted-imports@1',
      'no-restricted-imports@2',
      'no-restricted-imports@3',
      'no-restricted-imports@4',
      'no-restricted-imports@5',
      'no-restricted-properties@6',
      'no-restricted-properties@7',
      'no-restricted-globals@8',
    ]);
  });

  it('allows activity types and the workflow SDK', async () => {
    const code = [
      "import type { WaymarkActivities } from '../activities';",
      "import { proxyActivities } from '@temporalio/workflow';",
      'export const a = proxyActivities<WaymarkActivities>({ startToCloseTimeout: 1000 });',
      '',
    ].join('\n');
    expect(await ruleIdsFor(code, 'workflows/probe.ts')).toEqual([]);
  });

  it('leaves activities free to do I/O', async () => {
    const code = "import mongoose from 'mongoose';\nexport const m = mongoose;\nexport const t = Date.now();\n";
    expect(await ruleIdsFor(code, 'activities/probe.ts')).toEqual([]);
  });
});
