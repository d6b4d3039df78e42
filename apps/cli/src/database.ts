import { existsSync } from 'node:fs';
import { MikroORM } from '@mikro-orm/core';
import { mikroOrmOptions } from '../../../libs/persistence/src/mikro-orm.config';
import { describePersistence, loadPersistenceConfig } from '../../../libs/persistence/src/persistence.config';

/** Where a command writes and the environment it reads configuration from (DATA_DIR, DATABASE_URL). */
export interface DatabaseIo {
  stderr: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** The CLI's "could not be used" exit code. */
const USAGE = 2;

/**
 * Opens the product's database (DATA_DIR / DATABASE_URL), migrated, for one command that reads or writes it,
 * and closes it after. Exits 2, saying why, when there is none there (it never creates an empty database where
 * the product's should be) or its migrations have not been applied (`what` names the command, in the hint).
 */
export async function withDatabase(
  io: DatabaseIo,
  what: string,
  run: (orm: MikroORM) => Promise<number>,
): Promise<number> {
  const config = loadPersistenceConfig(io.env ?? process.env);
  if (config.driver === 'sqlite' && !existsSync(config.file)) {
    io.stderr(`error: no database at ${config.file} (set DATA_DIR or DATABASE_URL)\n`);
    return USAGE;
  }
  const options = mikroOrmOptions(config);
  const orm = await MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
  try {
    const pending = await orm.getMigrator().getPendingMigrations();
    if (pending.length > 0) {
      io.stderr(
        `error: ${describePersistence(config)} has ${pending.length} migration(s) to apply ` +
          `(${pending.map((m) => m.name).join(', ')}): start the API or the worker once, then ${what}\n`,
      );
      return USAGE;
    }
    return await run(orm);
  } finally {
    await orm.close();
  }
}
