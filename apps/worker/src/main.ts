import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerMetrics } from '../../../libs/metrics/src';
import { startTracing, stopTracing } from '../../../libs/tracing/src';
import { installWorkerLogging } from './logging';
import { loadWorkerMetricsConfig, sdkTelemetry, serveWorkerMetrics } from './metrics';
import { createRolloutWorker } from './rollout-worker';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const metricsConfig = await loadWorkerMetricsConfig();
  installWorkerLogging(process.env, metricsConfig && sdkTelemetry(metricsConfig));
  startTracing('rollout-worker');
  const logger = new Logger('Worker');
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(), { bufferLogs: false });
  const metrics = metricsConfig
    ? await serveWorkerMetrics(app.get(WorkerMetrics), metricsConfig, (err) =>
        logger.warn(`Temporal SDK metrics not read: ${(err as Error).message}`),
      )
    : undefined;
  logger.log(metrics ? `metrics at ${metrics.url}` : 'no metrics port (WORKER_METRICS_PORT is not set)');
  const { worker, connection } = await createRolloutWorker(app);
  logger.log(`polling task queue "${worker.options.taskQueue}" in namespace "${worker.options.namespace}"`);
  // The SDK's runtime stops the worker gracefully on SIGINT/SIGTERM; run() resolves once it has drained.
  await worker.run();
  await connection.close();
  await metrics?.close();
  await app.close();
  await stopTracing();
  logger.log('stopped');
}

bootstrap().catch((err: unknown) => {
  new Logger('Worker').error(
    err instanceof Error ? err.message : String(err),
    err instanceof Error ? err.stack : undefined,
  );
  process.exit(1);
});
