import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Options } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { AuditEntry } from './entities/audit-entry.entity';
import { FlagChange } from './entities/flag-change.entity';
import { FlagValue } from './entities/flag-value.entity';
import { OutboxMessage } from './entities/outbox-message.entity';
import { RolloutProjection } from './entities/rollout-projection.entity';
import { migrationsList } from './migrations';
import type { PersistenceConfig } from './persistence.config';

export const entities = [AuditEntry, FlagValue, FlagChange, OutboxMessage, RolloutProjection];

export function mikroOrmOptions(config: PersistenceConfig): Options {
  const common = {
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true },
    debug: config.debug,
    allowGlobalContext: false,
  } satisfies Options;
  if (config.driver === 'postgresql') {
    return { ...common, driver: PostgreSqlDriver, clientUrl: config.url };
  }
  mkdirSync(dirname(config.file), { recursive: true });
  return { ...common, driver: LibSqlDriver, dbName: config.file };
}
