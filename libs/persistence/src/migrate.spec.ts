import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { spawnTogether } from '../../../test/support/ts-child';
import { migrationsList } from './migrations';
import { mikroOrmOptions } from './mikro-orm.config';
import { loadPersistenceConfig } from './persistence.config';

// The API and the worker migrate at boot; started together (replicas, a deployment), they find the same
// migrations pending. On PostgreSQL, processes migrating one fresh database at once must all come up. (Two
// processes migrating one SQLite file at the same instant can still both fail, each holding the lock the
// other needs; `npm start` starts the API and the worker one after the other.)

jest.setTimeout(120_000);

const migrator = join(__dirname, '../../../test/support/migrator.ts');

/** Starts `count` migrating processes together on `database`; answers what each applied. */
async function migrateTogether(database: string, count: number): Promise<string[][]> {
  const { done } = await spawnTogether(
    migrator,
    Array.from({ length: count }, () => [database]),
  );
  return (await done).map((out) => JSON.parse(out.split('\n')[1]) as string[]);
}

async function appliedIn(url: string): Promise<string[]> {
  const orm = await MikroORM.init(mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: url })));
  try {
    return (await orm.getMigrator().getExecutedMigrations()).map((m) => m.name);
  } finally {
    await orm.close();
  }
}

const all = migrationsList.map((m) => m.name);

const pgUrl = process.env.TEST_DATABASE_URL;
(pgUrl?.startsWith('postgres') ? test : test.skip)(
  'PostgreSQL: three processes migrating a fresh database at once all come up; each migration runs once',
  async () => {
    const url = pgUrl as string;
    const orm = await MikroORM.init(mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: url })));
    await orm.em.getConnection().execute('drop schema public cascade', [], 'run');
    await orm.em.getConnection().execute('create schema public', [], 'run');
    await orm.close();
    const applied = await migrateTogether(url, 3);
    expect(applied.flat().sort()).toEqual([...all].sort());
    expect(await appliedIn(url)).toEqual(all);
  },
);
