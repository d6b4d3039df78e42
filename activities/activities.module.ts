import { Module } from '@nestjs/common';
import { WorkerMetrics } from '../libs/metrics/src';
import { ActivityMetrics } from './activity-metrics';
import { ADAPTERS_CONFIG, loadAdaptersConfig } from './adapters.config';
import { AuditActivities } from './audit.activities';
import { FlagsActivities } from './flags.activities';
import { HooksActivities } from './hooks.activities';
import { MetricWatcherActivities } from './metric-watcher.activities';
import { MetricsActivities } from './metrics.activities';
import { NotificationsActivities } from './notifications.activities';
import { ProjectionActivities } from './projection.activities';
import { WorkflowControlActivities } from './workflow-control.activities';

/** Every activity provider the worker registers. */
export const ACTIVITY_PROVIDERS = [
  AuditActivities,
  FlagsActivities,
  NotificationsActivities,
  HooksActivities,
  MetricsActivities,
  MetricWatcherActivities,
  ProjectionActivities,
  WorkflowControlActivities,
];

@Module({
  providers: [
    ...ACTIVITY_PROVIDERS,
    // One registry per worker context; the worker's /metrics serves it (apps/worker/src/metrics.ts).
    { provide: WorkerMetrics, useFactory: () => new WorkerMetrics() },
    ActivityMetrics,
    // Read when the module starts, so a bad URL fails the boot rather than a rollback.
    { provide: ADAPTERS_CONFIG, useFactory: () => loadAdaptersConfig() },
  ],
  exports: [...ACTIVITY_PROVIDERS, WorkerMetrics],
})
export class ActivitiesModule {}
