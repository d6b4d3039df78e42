// A process migrating the schema at boot, as the API and the worker each do. Run by
// libs/persistence/src/migrate.spec.ts: `migrator <database>`, the database as DATABASE_URL gives it (a
// `postgresql://` URL) or a SQLite file's path. It prints "ready", waits for a line on stdin (so that two
// start together), migrates, and prints the migrations it applied as JSON.
import { createInterface } from 'node:readline';
import { MikroORM } from '@mikro-orm/core';
import { migrateSchema } from '../../libs/persistence/src/migrate';
import { mikroOrmOptions } from '../../libs/persistence/src/mikro-orm.config';
import { loadPersistenceConfig } from '../../libs/persistence/src/persistence.config';

async function run(database: string): Promise<void> {
  const url = database.startsWith('postgres') ? database : `sqlite:${database}`;
  const options = mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: url }));
  const orm = await MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
  try {
    process.stdout.write('ready\n');
    await new Promise<void>((go) => createInterface({ input: process.stdin }).once('line', () => go()));
    const applied = process.env.PLAIN_MIGRATOR
      ? (await orm.getMigrator().up()).map((m) => m.name)
      : await migrateSchema(orm);
    process.stdout.write(`${JSON.stringify(applied)}\n`);
  } finally {
    await orm.close();
  }
}

run(process.argv[process.argv.length - 1]).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
