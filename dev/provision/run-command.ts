import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { ProvisionError } from './provision-error';

/** Finds an executable on PATH. */
export function onPath(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const where = found.stdout.trim();
  return found.status === 0 && where ? where : undefined;
}

export function requireTool(command: string, forWhat: string, install: string, use: 'build' | 'run' = 'build'): string {
  const where = onPath(command);
  if (!where) throw new ProvisionError(`\`${command}\` is needed to ${use} ${forWhat} and is not on PATH.`, install);
  return where;
}

// Builds run one after the other: two Go builds at once on a small machine are slower than in sequence.
let previousBuild: Promise<unknown> = Promise.resolve();
const runningBuilds = new Set<ChildProcess>();
process.on('exit', () => runningBuilds.forEach((child) => child.kill('SIGKILL')));

/** Runs a build step (after any other in this process), printing a heartbeat so a long build never looks hung. */
export function runBuildStep(
  label: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; log: (line: string) => void; fix: string },
): Promise<void> {
  const build = previousBuild.catch(() => undefined).then(() => runNow(label, command, args, options));
  previousBuild = build;
  return build;
}

async function runNow(
  label: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; log: (line: string) => void; fix: string },
): Promise<void> {
  const started = Date.now();
  options.log(`${label}: ${command} ${args.join(' ')}`);
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: 'pipe' });
  runningBuilds.add(child);
  child.on('exit', () => runningBuilds.delete(child));
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const heartbeat = setInterval(
    () => options.log(`${label}: still building (${Math.round((Date.now() - started) / 1000)} s)…`),
    30_000,
  );
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(-1));
    child.on('close', resolve);
  });
  clearInterval(heartbeat);
  if (code !== 0) {
    const tail = output.trim().split('\n').slice(-15).join('\n');
    throw new ProvisionError(`${label} failed (exit ${code}):\n${tail}`, options.fix);
  }
  options.log(`${label}: done in ${Math.round((Date.now() - started) / 1000)} s`);
}
