import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { BoundLibSqlDriver, BoundPostgreSqlDriver } from './bound-parameters';
import { AuditChainHead } from './entities/audit-chain-head.entity';
import { AuditEntry } from './entities/audit-entry.entity';
import { FlagChange } from './entities/flag-change.entity';
import { FlagValue } from './entities/flag-value.entity';
import { GuardrailReadingRow } from './entities/guardrail-reading.entity';
import { PlanVersion } from './entities/plan-version.entity';
import { OutboxMessage } from './entities/outbox-message.entity';
import { RolloutProjection } from './entities/rollout-projection.entity';
import { migrationsList } from './migrations';
import type { PersistenceConfig } from './persistence.config';

export const entities = [
  AuditEntry,
  AuditChainHead,
  FlagValue,
  FlagChange,
  GuardrailReadingRow,
  OutboxMessage,
  PlanVersion,
  RolloutProjection,
];

/** Every value reaches the database as a bound parameter, never written into the SQL (bound-parameters.ts). */
export function mikroOrmOptions(config: PersistenceConfig): Options {
  const common = {
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, silent: true },
    debug: config.debug,
    allowGlobalContext: false,
  } satisfies Options;
  if (config.driver === 'postgresql') {
    return { ...common, driver: BoundPostgreSqlDriver, clientUrl: config.url };
  }
  mkdirSync(dirname(config.file), { recursive: true });
  // The API and the worker write the same file: a writer waits up to 5 s for the other's lock (milliseconds)
  // rather than failing at once with SQLITE_BUSY.
  return {
    ...common,
    driver: BoundLibSqlDriver,
    dbName: config.file,
    driverOptions: { connection: { timeout: 5000 } },
  };
}
