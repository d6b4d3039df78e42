export { AuditEntry } from './entities/audit-entry.entity';
export { entities, mikroOrmOptions } from './mikro-orm.config';
export { describePersistence, loadPersistenceConfig, type PersistenceConfig } from './persistence.config';
export { PersistenceModule } from './persistence.module';
