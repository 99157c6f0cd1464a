import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `waymark <args>` (cli/main.ts) in its own process and waits for it without blocking this one: the Jest process
 * hosts the worker and reads the servers' output pipes, so a synchronous wait here can stall the very servers the CLI
 * talks to. A CLI that has not exited within `timeoutMs` is killed and the test fails saying so, with its output.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // One process (tsx as a loader, not its launcher), so killing it on a timeout leaves nothing behind.
    execFile(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', ...args],
      { cwd: ROOT, env, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && (error as { killed?: boolean }).killed) {
          return reject(
            new Error(
              `waymark ${args.join(' ')} did not exit within ${timeoutMs / 1000} s and was killed\n` +
                `stdout: ${stdout}\nstderr: ${stderr}`,
            ),
          );
        }
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}
