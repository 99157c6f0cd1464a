import { percentile, sortedNumbers } from './report';

export interface LatencySample {
  events: number;
  p50: number;
  p99: number;
  mean: number;
}

/**
 * Per-event latency of POST /v1/events: `count` events sent one after another (nothing else in flight, so the
 * figure is the cost of one event, not queueing), each `event(i)` to `apiUrl` with `apiKey`.
 */
export async function apiEventLatency(
  apiUrl: string,
  apiKey: string,
  count: number,
  event: (i: number) => Record<string, unknown>,
): Promise<LatencySample> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const res = await fetch(`${apiUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify(event(i)),
    });
    if (res.status !== 202) throw new Error(`POST /v1/events answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
    times.push(performance.now() - started);
  }
  const sorted = sortedNumbers(times);
  return {
    events: count,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: times.reduce((a, b) => a + b, 0) / count,
  };
}
