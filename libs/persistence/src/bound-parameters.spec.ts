import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../../../test/support/postgres';
import { FlagValue } from './entities/flag-value.entity';
import { RolloutProjection } from './entities/rollout-projection.entity';
import { migrateSchema } from './migrate';
import { mikroOrmOptions } from './mikro-orm.config';
import { loadPersistenceConfig } from './persistence.config';

// Every value reaches the database as a bound parameter: the statement text knex hands the driver holds
// placeholders only, the values travel beside it, and what is stored is exactly what was given. Before,
// MikroORM wrote each value into the text (escaped): a NUL ended SQLite's statement (a syntax error, a 500).

jest.setTimeout(60_000);

const TRICKY = `it's "quoted" \\ back\\slash; -- not a comment ? ?? $1 \u00e9\u{1f680}`;

describeEachDatabase((database: TestDatabase) => {
  let orm: MikroORM;
  let cleanup: () => Promise<void>;
  const seen: { sql: string; bindings: unknown[] }[] = [];

  beforeAll(async () => {
    let url: string;
    if (database === 'postgresql') {
      const db = await createTestDatabase('bound_parameters');
      url = db.url;
      cleanup = () => db.drop();
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'bound-parameters-'));
      url = `sqlite:${join(dir, 'rollouts.sqlite')}`;
      cleanup = () => Promise.resolve(rmSync(dir, { recursive: true, force: true }));
    }
    orm = await MikroORM.init(mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: url })));
    await migrateSchema(orm);
    // What knex hands the database driver: the statement and, apart, its values.
    const knex = (orm.em.getConnection() as unknown as { getKnex(): Knex }).getKnex();
    knex.on('query', (q: { sql: string; bindings?: unknown[] }) =>
      seen.push({ sql: q.sql, bindings: q.bindings ?? [] }),
    );
  });

  afterAll(async () => {
    await orm?.close();
    await cleanup?.();
  });

  test('still the driver the rest of the code checks for', () => {
    expect(orm.em.getDriver() instanceof LibSqlDriver).toBe(database === 'sqlite');
  });

  test('a value with quotes, backslashes and placeholders is bound, not written into the statement, and round-trips', async () => {
    seen.length = 0;
    const em = orm.em.fork();
    em.create(FlagValue, {
      key: TRICKY,
      segment: 's1',
      value: TRICKY,
      updatedBy: 'test',
      updatedAt: new Date(),
    });
    await em.flush();
    const found = await orm.em
      .fork()
      .findOneOrFail(FlagValue, { key: TRICKY, segment: { $in: ['s1', 's2'] } });
    expect([found.key, found.value]).toEqual([TRICKY, TRICKY]);
    const touching = seen.filter((q) => /flag_value/.test(q.sql));
    expect(touching.length).toBeGreaterThanOrEqual(2); // the insert and the select
    for (const q of touching) {
      expect(q.sql).not.toContain("it's");
      expect(q.sql).not.toContain('s1');
    }
    expect(touching.some((q) => q.bindings.includes(TRICKY))).toBe(true);
    expect(touching.some((q) => q.bindings.includes(JSON.stringify(TRICKY)))).toBe(true);
  });

  test('dates compare as before (a cursor page), in the column’s own form', async () => {
    const em = orm.em.fork();
    const t0 = new Date('2026-11-30T10:00:00.123Z');
    for (const [i, id] of ['r-a', 'r-b', 'r-c'].entries())
      em.create(RolloutProjection, {
        rolloutId: id,
        workflowId: `rollout-${id}`,
        plan: 'p',
        status: 'RUNNING',
        startedAt: new Date(t0.getTime() + i * 1000),
        updatedAt: t0,
        version: 1,
      });
    await em.flush();
    seen.length = 0;
    const older = await orm.em.fork().find(
      RolloutProjection,
      {
        $or: [
          { startedAt: { $lt: new Date(t0.getTime() + 2000) } },
          { startedAt: t0, rolloutId: { $lt: 'r-z' } },
        ],
      },
      { orderBy: { startedAt: 'desc' } },
    );
    expect(older.map((r) => [r.rolloutId, r.startedAt.toISOString()])).toEqual([
      ['r-b', '2026-11-30T10:00:01.123Z'],
      ['r-a', '2026-11-30T10:00:00.123Z'],
    ]);
    const select = seen.find((q) => q.sql.includes('rollout_projection'));
    if (!select) throw new Error('no select seen');
    expect(select.sql).not.toMatch(/2026|1764/);
    expect(select.bindings).toContain(
      database === 'sqlite' ? t0.getTime() + 2000 : '2026-11-30T10:00:02.123Z',
    );
  });

  test('a NUL reaches the database as a value, not as SQL text; neither database keeps it, so the API refuses it first', async () => {
    const nul = 'a\u0000b';
    const em = orm.em.fork();
    em.create(FlagValue, { key: 'nul', segment: nul, value: true, updatedBy: 'test', updatedAt: new Date() });
    if (database === 'sqlite') {
      // The statement is whole (written into the text, the NUL ended it: "incomplete input"), but libSQL
      // binds text up to the NUL: 'a\0b' is stored, and compared, as 'a'. Hence input-checks refuse NUL.
      await em.flush();
      const found = await orm.em.fork().findOneOrFail(FlagValue, { key: 'nul', segment: nul });
      expect(found.segment).toBe('a');
    } else {
      // PostgreSQL text cannot hold NUL at all: the value is refused, the statement is not at fault.
      await expect(em.flush()).rejects.toThrow(/invalid byte sequence for encoding "UTF8": 0x00/);
    }
  });
});
