import type { INestApplicationContext } from '@nestjs/common';
import { AuditActivities } from './audit.activities';
import { FlagsActivities } from './flags.activities';
import { HooksActivities } from './hooks.activities';
import { MetricWatcherActivities } from './metric-watcher.activities';
import { MetricsActivities } from './metrics.activities';
import { NotificationsActivities } from './notifications.activities';
import { ProjectionActivities } from './projection.activities';
import { WorkflowControlActivities } from './workflow-control.activities';

export type { AuditRecord } from './audit.activities';
export type { FlagValues, RegisterFlagsInput, RestoreFlagsInput, SetFlagsInput } from './flags.activities';
export type { CallHookInput } from './hooks.activities';
export type { MetricReading, QueryMetricInput } from './metrics.activities';
export type { WatchMetricsInput } from './metric-watcher.activities';
export type { NotifyInput } from './notifications.activities';
export type { ProjectionUpdate } from './projection.activities';
export type { CancelCurrentRunInput } from './workflow-control.activities';
export {
  ADAPTERS_CONFIG,
  HOOK_KINDS,
  loadAdaptersConfig,
  type AdaptersConfig,
  type HookKind,
} from './adapters.config';
export { ActivitiesModule } from './activities.module';
export { FlagsActivities } from './flags.activities';

/** The activity functions workflows call (`proxyActivities<RolloutActivities>`). */
export interface RolloutActivities {
  recordAudit: AuditActivities['recordAudit'];
  registerFlags: FlagsActivities['registerFlags'];
  setFlags: FlagsActivities['setFlags'];
  restoreFlags: FlagsActivities['restoreFlags'];
  notify: NotificationsActivities['notify'];
  callHook: HooksActivities['callHook'];
  queryMetric: MetricsActivities['queryMetric'];
  watchMetrics: MetricWatcherActivities['watchMetrics'];
  updateProjection: ProjectionActivities['updateProjection'];
  cancelCurrentRun: WorkflowControlActivities['cancelCurrentRun'];
}

/** Binds the Nest providers' methods as the worker's activity functions. */
export function createActivities(app: INestApplicationContext): RolloutActivities {
  const audit = app.get(AuditActivities);
  const flags = app.get(FlagsActivities);
  const notifications = app.get(NotificationsActivities);
  const hooks = app.get(HooksActivities);
  const metrics = app.get(MetricsActivities);
  const projection = app.get(ProjectionActivities);
  const watcher = app.get(MetricWatcherActivities);
  const control = app.get(WorkflowControlActivities);
  return {
    recordAudit: audit.recordAudit.bind(audit),
    registerFlags: flags.registerFlags.bind(flags),
    setFlags: flags.setFlags.bind(flags),
    restoreFlags: flags.restoreFlags.bind(flags),
    notify: notifications.notify.bind(notifications),
    callHook: hooks.callHook.bind(hooks),
    queryMetric: metrics.queryMetric.bind(metrics),
    watchMetrics: watcher.watchMetrics.bind(watcher),
    updateProjection: projection.updateProjection.bind(projection),
    cancelCurrentRun: control.cancelCurrentRun.bind(control),
  };
}
export { recordingActivities, type RecordedCall, type RecordingOptions } from './recording.activities';
