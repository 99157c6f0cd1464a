import path from 'node:path';
import { spawnSync } from 'node:child_process';

const root = path.resolve(__dirname, '../..');

export interface LintProbe {
  /** Where the code pretends to live, relative to the repo. A file that does not exist must be named lint-probe.ts. */
  file: string;
  /** The code to lint as that file; absent: the file as it is on disk. */
  code?: string;
}

interface LintMessage {
  ruleId: string | null;
  line: number;
  message: string;
}

/**
 * Lints every probe with the project's real ESLint config in one child process (Jest's VM cannot load the ESM
 * config in-process, and the type-aware project service is slow to start). For each probe: `rule@line` of every
 * message whose rule id starts with one of `prefixes`.
 */
export function lintAll(probes: LintProbe[], prefixes: string[]): string[][] {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'lint-runner.mjs')], {
    cwd: root,
    input: JSON.stringify(probes),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`eslint failed: ${run.stderr}`);
  const results = JSON.parse(run.stdout) as LintMessage[][];
  return results.map((messages, i) => {
    const fatal = messages.find((m) => m.ruleId === null);
    if (fatal) throw new Error(`eslint could not lint ${probes[i].file}: ${fatal.message}`);
    return messages
      .filter((m) => prefixes.some((prefix) => m.ruleId?.startsWith(prefix)))
      .map((m) => `${m.ruleId}@${m.line}`);
  });
}
