import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { currentTracing, tracingWorkerOptions } from '../../../libs/tracing/src';
import { connectionOptions, TEMPORAL_CONFIG, type TemporalConfig } from '../../../libs/temporal/src';

// Resolves to workflows/index.ts from sources and dist/workflows/index.js once built.
export const workflowsPath = require.resolve(join(__dirname, '../../../workflows'));

/** Creates the Temporal worker for a booted worker context; the caller runs and stops it. */
export async function createRolloutWorker(
  app: INestApplicationContext,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const config = app.get<TemporalConfig>(TEMPORAL_CONFIG);
  const connection = await NativeConnection.connect(connectionOptions(config));
  const worker = await Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    workflowsPath,
    activities: createActivities(app),
    // Workflow and activity spans when the process started the OpenTelemetry SDK (docs/tracing.md).
    ...tracingWorkerOptions(currentTracing()),
  });
  return { worker, connection };
}
