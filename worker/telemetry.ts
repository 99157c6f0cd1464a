import { Runtime, type Logger } from '@temporalio/worker';
import type { Config } from '../config';

/** `host:port` of the Temporal SDK's Prometheus exporter, or undefined when it is off (TEMPORAL_METRICS_PORT=0). */
export function temporalMetricsAddress(config: Pick<Config, 'METRICS_HOST' | 'TEMPORAL_METRICS_PORT'>) {
  return config.TEMPORAL_METRICS_PORT > 0 ? `${config.METRICS_HOST}:${config.TEMPORAL_METRICS_PORT}` : undefined;
}

/**
 * Installs the Temporal SDK runtime with its metrics exported for Prometheus (the worker's /metrics forwards them).
 * Must run before the process opens its first worker connection: the runtime is installed once per process.
 */
export function installTemporalRuntime(
  config: Pick<Config, 'METRICS_HOST' | 'TEMPORAL_METRICS_PORT'>,
  logger?: Logger,
): void {
  const bindAddress = temporalMetricsAddress(config);
  Runtime.install({
    ...(logger ? { logger } : {}),
    ...(bindAddress
      ? {
          telemetryOptions: {
            metrics: { prometheus: { bindAddress, countersTotalSuffix: true, useSecondsForDurations: true } },
          },
        }
      : {}),
  });
}
