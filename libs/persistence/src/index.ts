export { AuditEntry } from './entities/audit-entry.entity';
export { FlagChange, type FlagValues } from './entities/flag-change.entity';
export { FlagValue } from './entities/flag-value.entity';
export { OutboxMessage, type OutboxStatus } from './entities/outbox-message.entity';
export { RolloutProjection } from './entities/rollout-projection.entity';
export { entities, mikroOrmOptions } from './mikro-orm.config';
export { describePersistence, loadPersistenceConfig, type PersistenceConfig } from './persistence.config';
export { PersistenceModule } from './persistence.module';
