export { connectionOptions, loadTemporalConfig, workflowUiUrl, type TemporalConfig } from './temporal.config';
export { TemporalClientModule } from './temporal-client.module';
export { TEMPORAL_CLIENT, TEMPORAL_CONFIG } from './temporal.tokens';
export { registerRolloutSearchAttributes } from './search-attributes';
export {
  ActionRefusedError,
  awaitPhase,
  refuseConflictEarly,
  sendItemAction,
  sendSignOff,
} from './engine-actions';
export {
  beforeDeadline,
  GRPC_DEADLINE_EXCEEDED,
  GRPC_UNAVAILABLE,
  grpcCodes,
  isTransientTemporalError,
  isWorkflowNotReady,
  retryTransient,
} from './transient';
