import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';

import { AuditLogService } from './audit-log.service';
// MikroOrmModule.forRoot is global: every module can inject MikroORM / EntityManager.
import { mikroOrmOptions } from './mikro-orm.config';
import { MigrateOnBoot } from './migrate-on-boot';
import { describePersistence, loadPersistenceConfig, type PersistenceConfig } from './persistence.config';

@Module({})
export class PersistenceModule {
  static forRoot(config: PersistenceConfig = loadPersistenceConfig()): DynamicModule {
    new Logger('Persistence').log(`database: ${describePersistence(config)}`);
    return {
      module: PersistenceModule,
      // Global like the ORM, so the API's modules and the activities can inject the audit log.
      global: true,
      imports: [MikroOrmModule.forRoot(mikroOrmOptions(config))],
      providers: [MigrateOnBoot, AuditLogService],
      exports: [AuditLogService],
    };
  }
}
