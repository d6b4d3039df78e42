import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TelemetryOptions } from '@temporalio/worker';
import { z } from 'zod';
import { parseEnv } from '../../../libs/config/src';
import {
  fetchExposition,
  type MetricsServer,
  startMetricsServer,
  type WorkerMetrics,
} from '../../../libs/metrics/src';

const env = z.object({
  // Unset: the worker opens no metrics port (tests start many workers); `npm start` sets it (default 9464).
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  // The Temporal SDK core's own exporter, read by our /metrics on each scrape; a free local port by default.
  WORKER_SDK_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
});

export interface WorkerMetricsConfig {
  port: number;
  host: string;
  /** Where the SDK core's Prometheus exporter listens (127.0.0.1 only: it is read through our /metrics). */
  sdkAddress: string;
}

/** The worker's metrics settings; undefined when WORKER_METRICS_PORT is not set. */
export async function loadWorkerMetricsConfig(
  source: NodeJS.ProcessEnv = process.env,
): Promise<WorkerMetricsConfig | undefined> {
  const parsed = parseEnv(env, source, 'Worker metrics');
  if (parsed.WORKER_METRICS_PORT === undefined) return undefined;
  const sdkPort = parsed.WORKER_SDK_METRICS_PORT ?? (await freeLocalPort());
  return {
    port: parsed.WORKER_METRICS_PORT,
    host: parsed.WORKER_METRICS_HOST,
    sdkAddress: `127.0.0.1:${sdkPort}`,
  };
}

/**
 * The SDK runtime's metrics (workflow and activity task latencies, poll counts, sticky cache …) as Prometheus
 * text on `sdkAddress`, named by Prometheus conventions: counters end in `_total`, durations in seconds.
 */
export function sdkTelemetry(config: WorkerMetricsConfig): TelemetryOptions {
  return {
    metrics: {
      prometheus: {
        bindAddress: config.sdkAddress,
        countersTotalSuffix: true,
        unitSuffix: true,
        useSecondsForDurations: true,
      },
    },
  };
}

/** Serves the worker's /metrics: our registry, then the SDK core's families (fetched on each scrape). */
export function serveWorkerMetrics(
  metrics: WorkerMetrics,
  config: WorkerMetricsConfig,
  onSdkError: (err: unknown) => void,
): Promise<MetricsServer> {
  return startMetricsServer({
    registry: metrics.withProcessMetrics().registry,
    port: config.port,
    host: config.host,
    extra: fetchExposition(`http://${config.sdkAddress}/metrics`),
    onExtraError: onSdkError,
  });
}

function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
