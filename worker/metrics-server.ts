import Fastify, { type FastifyInstance } from 'fastify';
import { registry } from '../metrics/registry';

export interface MetricsServerOptions {
  host: string;
  port: number;
  /** Where the Temporal SDK's own Prometheus exporter listens (`host:port`); its families are served here too. */
  temporalMetricsAddress?: string;
}

/**
 * The worker's `/metrics`: Waymark's registry, followed by the Temporal SDK's own families (workflow and activity
 * task latencies, slots, polls) forwarded from the SDK runtime's Prometheus exporter, so one scrape target covers the
 * process. The two sets share no family names (the SDK's all start with `temporal_`).
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_request, reply) => {
    const own = await registry.metrics();
    const sdk = options.temporalMetricsAddress ? await temporalMetrics(options.temporalMetricsAddress) : '';
    return reply.type(registry.contentType).send(`${own}\n${sdk}`);
  });
  app.get('/health', async () => ({ ok: true }));
  await app.listen({ host: options.host, port: options.port });
  return app;
}

async function temporalMetrics(address: string): Promise<string> {
  try {
    const res = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? await res.text() : `# the Temporal SDK exporter answered ${res.status}\n`;
  } catch (error) {
    return `# the Temporal SDK exporter at ${address} did not answer: ${(error as Error).message}\n`;
  }
}
