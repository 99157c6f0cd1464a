import { cacheDir } from './provision/cache';

export interface DownloadedDevServerOptions {
  ip: string;
  port: number;
  uiPort?: number;
  dbFilename: string;
  extraArgs: string[];
}

/**
 * Last resort when the Temporal CLI can be neither found nor built: the dev server the TypeScript SDK downloads by
 * itself (needs internet access to temporal.download). Undefined when that fails too.
 */
export async function startDownloadedDevServer(
  server: DownloadedDevServerOptions,
  options: { log: (line: string) => void },
): Promise<{ stop(): Promise<void> } | undefined> {
  options.log('Temporal CLI unavailable: trying the copy the Temporal SDK downloads…');
  try {
    // A dev dependency: only `npm start` and the tests come here, never a production install.
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download', downloadDir: cacheDir('temporal-cli-sdk-download') },
        ...server,
        ui: server.uiPort !== undefined,
      },
    });
    return { stop: () => env.teardown() };
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0].split('): ').pop();
    options.log(`the SDK download failed too: ${reason}`);
    return undefined;
  }
}
