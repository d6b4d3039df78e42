export { ApiMetrics, LATENCY_BUCKETS, type RolloutCount } from './api-metrics';
export {
  auditMetricEvent,
  isRollbackStart,
  ROLLBACK_OUTCOMES,
  type AuditFacts,
  type AuditMetricEvent,
} from './audit-events';
export { familiesOf, mergeExpositions } from './exposition';
export {
  fetchExposition,
  scrape,
  startMetricsServer,
  type MetricsServer,
  type MetricsServerOptions,
} from './metrics-server';
export { codeLabel, methodLabel, nameLabel, METRIC_PREFIX, processMetrics } from './names';
export { reusedFor } from './reused';
export { ROLLBACK_BUCKETS, WorkerMetrics } from './worker-metrics';
