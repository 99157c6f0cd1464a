import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startStack, type Stack } from '../../dev/stack';
import { provisionTestServerLauncher } from '../../dev/provision/test-server';
import { ProvisionError } from '../../dev/provision/provision-error';
import { workflowBundlerOptions } from '../../worker/workflow-bundle';

declare global {
  var __WAYMARK_STACK__: { stack: Stack; dataDir: string } | undefined;
}

const log = (line: string) => process.stdout.write(`[waymark test setup] ${line}\n`);

/**
 * Starts the real servers once for all suites (on free ports in a fresh directory, so parallel runs on one machine
 * never collide), provisions the time-skipping test server and bundles the workflow code once.
 */
export default async function globalSetup(): Promise<void> {
  // The embedded stack: its development secrets are accepted (config/secrets.ts).
  process.env.WAYMARK_DEV_STACK = '1';
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'waymark-test-'));
  try {
    const [stack, launcher] = await Promise.all([
      startStack({ dataDir, ports: 'free', ui: false, log }),
      provisionTestServerLauncher(log),
    ]);
    globalThis.__WAYMARK_STACK__ = { stack, dataDir };
    for (const [name, value] of Object.entries(stack.env)) if (value) process.env[name] = value;
    process.env.WAYMARK_TEST_SERVER_LAUNCHER = launcher;

    const workflowsPath = path.resolve(__dirname, '../../workflows/index.ts');
    if (existsSync(workflowsPath)) {
      const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger, ...workflowBundlerOptions });
      const bundlePath = path.join(dataDir, 'workflow-bundle.js');
      writeFileSync(bundlePath, code);
      process.env.WAYMARK_WORKFLOW_BUNDLE = bundlePath;
    }
  } catch (error) {
    if (error instanceof ProvisionError) {
      // One clear message with the fix, not a stack trace.
      process.stderr.write(`\nwaymark: ${error.message}\n\n`);
      process.exit(1);
    }
    throw error;
  }
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
