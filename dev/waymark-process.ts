import path from 'node:path';
import { startServerProcess, waitUntilReady, type ServerProcess } from './child-process';
import { freePort } from './free-port';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const ENTRY_POINTS = { api: 'api/main.ts', worker: 'worker/main.ts' } as const;

export interface WaymarkProcess extends ServerProcess {
  readonly pid: number;
  /** The API's base URL (api only). */
  readonly url?: string;
}

/**
 * Starts `npm run api` / `npm run worker` as its own process (tsx on the real entry point, what the npm scripts
 * run), in its own process group, with `env` over the current environment; resolves once it serves (API: /health)
 * or polls its task queue (worker: its "worker started" line).
 */
export async function startWaymarkProcess(
  role: keyof typeof ENTRY_POINTS,
  env: NodeJS.ProcessEnv,
  options: { log?: (line: string) => void; timeoutMs?: number } = {},
): Promise<WaymarkProcess> {
  const port = role === 'api' ? await freePort() : undefined;
  const url = port === undefined ? undefined : `http://127.0.0.1:${port}`;
  const server = startServerProcess(`${role}`, TSX, [ENTRY_POINTS[role]], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env, ...(port === undefined ? {} : { API_PORT: String(port) }) },
    log: options.log,
  });
  let polling = false;
  server.child.stdout?.on('data', (chunk: Buffer) => (polling ||= chunk.toString().includes('worker started')));
  await waitUntilReady(
    server,
    async () => (url === undefined ? polling : (await fetch(`${url}/health`)).ok),
    options.timeoutMs ?? 120_000,
  );
  return Object.assign(server, { pid: server.child.pid!, url });
}
