import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Writable } from 'node:stream';

const children = new Set<ChildProcess>();
let guard: Writable | undefined;

/**
 * Servers we start must never outlive us. They run in their own process group (so a Ctrl-C in the terminal reaches
 * only us, and we stop them after the worker has drained); we kill them on a normal exit, and a guard process kills
 * them when we die without running exit hooks (SIGKILL, crash).
 */
function watchForOrphans(): Writable {
  if (guard) return guard;
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  const watcher = spawn(process.execPath, [path.join(__dirname, 'orphan-guard.mjs')], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  watcher.unref();
  const stdin = watcher.stdin!;
  (stdin as unknown as { unref?: () => void }).unref?.();
  stdin.on('error', () => undefined);
  guard = stdin;
  return stdin;
}

export interface ServerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last lines it printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export function startServerProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): ServerProcess {
  const guardInput = watchForOrphans();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  if (child.pid) guardInput.write(`+${child.pid}\n`);
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      options.log?.(`[${name}] ${line}`);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('exit', () => {
    children.delete(child);
    if (child.pid) guardInput.write(`-${child.pid}\n`);
  });
  return {
    name,
    child,
    output: () => lines.join('\n'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Polls `ready` until it resolves true, failing with the server's own output if it exits or times out. */
export async function waitUntilReady(server: ServerProcess, ready: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) {
      throw new Error(`${server.name} exited with code ${server.child.exitCode}:\n${server.output()}`);
    }
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${server.name} did not become ready in ${timeoutMs / 1000} s:\n${server.output()}`);
}
