// The determinism rule of workflow code (docs/architecture.md), pinned: each forbidden thing is reported, in every
// folder of workflow code, while activity types and the workflow SDK stay allowed and activities stay free.
import { lintAll } from '../support/eslint';

const forbidden = [
  "import { readFileSync } from 'node:fs';",
  "import mongoose from 'mongoose';",
  "import nodemailer from 'nodemailer';",
  "import twilio from 'twilio';",
  "import { createActivities } from '../activities';",
  'export const t = Date.now();',
  'export const r = Math.random();',
  'export const s = setTimeout;',
].join('\n');

const workflowFiles = ['workflows/lint-probe.ts', 'journeys/abandoned-cart/lint-probe.ts', 'sdk/lint-probe.ts'];
const allowedInWorkflows = [
  "import type { WaymarkActivities } from '../activities';",
  "import { proxyActivities } from '@temporalio/workflow';",
  'export const a = proxyActivities<WaymarkActivities>({ startToCloseTimeout: 1000 });',
].join('\n');
const freeInActivities = "import mongoose from 'mongoose';\nexport const m = mongoose;\nexport const t = Date.now();\n";

let results: string[][];

beforeAll(() => {
  results = lintAll(
    [
      ...workflowFiles.map((file) => ({ file, code: `${forbidden}\n` })),
      { file: 'workflows/lint-probe.ts', code: `${allowedInWorkflows}\n` },
      { file: 'activities/lint-probe.ts', code: freeInActivities },
    ],
    ['no-restricted-'],
  );
}, 120_000);

describe('workflow determinism lint', () => {
  it.each(workflowFiles.map((file, i) => [file, i] as const))('rejects I/O and non-determinism in %s', (_, i) => {
    expect(results[i]).toEqual([
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

  it('allows activity types and the workflow SDK', () => {
    expect(results[workflowFiles.length]).toEqual([]);
  });

  it('leaves activities free to do I/O', () => {
    expect(results[workflowFiles.length + 1]).toEqual([]);
  });
});
