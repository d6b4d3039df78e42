export {
  auditHash,
  canonicalJson,
  storableJson,
  storableText,
  type AuditHashInput,
  type AuditOutcome,
} from './audit-chain';
export {
  AUDIT_CHAIN_HEAD_ID,
  AuditLogService,
  MAX_REPORTED_BREAKS,
  NO_ROLLOUT,
  type AuditAppend,
  type AuditBreak,
  type AuditBreakReport,
  type AuditPruneOptions,
  type AuditPruneResult,
  type AuditVerifyResult,
} from './audit-log.service';
export { prunablePrefix, type Retention } from './audit-retention';
export { AuditChainHead } from './entities/audit-chain-head.entity';
export { AuditEntry } from './entities/audit-entry.entity';
export { FlagChange, type FlagValues } from './entities/flag-change.entity';
export { FlagValue } from './entities/flag-value.entity';
export { ALL_SEGMENTS } from './flag-segments';
export { GuardrailReadingRow } from './entities/guardrail-reading.entity';
export {
  latestGuardrailReadings,
  saveGuardrailReadings,
  type GuardrailReadingRecord,
} from './guardrail-readings';
export { OutboxMessage, type OutboxStatus } from './entities/outbox-message.entity';
export { RolloutProjection } from './entities/rollout-projection.entity';
export { entities, mikroOrmOptions } from './mikro-orm.config';
export { describePersistence, loadPersistenceConfig, type PersistenceConfig } from './persistence.config';
export { PersistenceModule } from './persistence.module';
export { PlanVersion } from './entities/plan-version.entity';
export { rolesNamedByPlans } from './plan-roles';
