import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedWebhook {
  url: string;
  signature: string | undefined;
  params: Record<string, string>;
}

/** A local HTTP server standing in for Waymark's webhook routes: records each form POST and answers `status`. */
export async function startWebhookRecorder(status = 204) {
  const received: RecordedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        url: `${baseUrl}${req.url}`,
        signature: req.headers['x-twilio-signature'] as string | undefined,
        params: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    received,
    /** Resolves once `count` requests have arrived (the test's own timeout bounds the wait). */
    async waitFor(count: number): Promise<RecordedWebhook[]> {
      while (received.length < count) await new Promise((resolve) => setTimeout(resolve, 20));
      return received.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
