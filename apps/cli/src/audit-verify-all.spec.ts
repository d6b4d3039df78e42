import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { AuditLogService } from '../../../libs/persistence/src/audit-log.service';
import { mikroOrmOptions } from '../../../libs/persistence/src/mikro-orm.config';
import { loadPersistenceConfig } from '../../../libs/persistence/src/persistence.config';
import { createTestDatabase, describeEachDatabase } from '../../../test/support/postgres';
import { EXIT, main } from './main';

// `audit verify` names every break it finds (one bad row never hides another), on both databases, and
// `--json` gives scripts the same result as one object.

jest.setTimeout(60_000);

describeEachDatabase((database) => {
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    if (database === 'postgresql') {
      const pg = await createTestDatabase(`audit_cli_${process.pid}_${Date.now()}`);
      env = { DATABASE_URL: pg.url };
      cleanup = () => pg.drop();
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'audit-cli-all-'));
      env = { DATA_DIR: dir };
      cleanup = () => Promise.resolve(rmSync(dir, { recursive: true, force: true }));
    }
  });
  afterEach(() => cleanup());

  async function run(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
    return { code, stdout, stderr };
  }

  /** The product's database, migrated, with `count` entries; the first carries a lone surrogate. */
  async function withEntries(count: number, change: (sql: (q: string) => Promise<unknown>) => Promise<void>) {
    const options = mikroOrmOptions(loadPersistenceConfig(env));
    const orm = await MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
    try {
      await orm.getMigrator().up();
      const log = new AuditLogService(orm);
      for (let i = 1; i <= count; i += 1)
        await log.append({
          idempotencyKey: `k${i}`,
          rolloutId: i === 1 ? '-' : 'r1',
          actor: i === 1 ? 'anonymous' : 'alice',
          action: i === 1 ? 'api.completeChecklistItem' : 'checklist.complete',
          target: i === 1 ? '\ud83d' : `item-${i}`,
          payload: i === 1 ? { input: { itemId: '\ud83d\u0000' } } : {},
          outcome: i === 1 ? 'refused' : 'accepted',
        });
      await change((q) => orm.em.getConnection().execute(q, [], 'run'));
    } finally {
      await orm.close();
    }
  }

  test('a lone surrogate in a refusal leaves the chain sound', async () => {
    await withEntries(3, () => Promise.resolve());
    expect(await run('audit', 'verify')).toEqual({
      code: EXIT.OK,
      stdout: 'audit log OK: 3 entries\n',
      stderr: '',
    });
  });

  test('two rows edited by hand are both named, and the last row deleted too; exit 1', async () => {
    await withEntries(6, async (sql) => {
      await sql("update audit_entry set actor = 'mallory' where seq = 2");
      await sql("update audit_entry set target = 'other' where seq = 4");
      await sql('delete from audit_entry where seq = 6');
    });
    const { code, stdout, stderr } = await run('audit', 'verify');
    expect([code, stdout]).toEqual([EXIT.INVALID, '']);
    const heads = stderr.split('\n').filter((l) => l.startsWith('audit log BROKEN at'));
    expect(heads).toEqual([
      expect.stringMatching(/^audit log BROKEN at entry id \d+ \(seq 2\): hash mismatch$/),
      expect.stringMatching(/^audit log BROKEN at entry id \d+ \(seq 4\): hash mismatch$/),
      'audit log BROKEN at the chain head, after 5 entries: head mismatch',
    ]);
    expect(stderr).toContain('1 entry before it is sound');
    expect(stderr).toMatch(/\n3 breaks found, 5 entries checked\n$/);

    const json = await run('audit', 'verify', '--json');
    expect(json.code).toBe(EXIT.INVALID);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      count: 1,
      checked: 5,
      breakCount: 3,
      breaks: [
        { problem: 'hash mismatch', entry: { seq: 2 } },
        { problem: 'hash mismatch', entry: { seq: 4 } },
        { problem: 'head mismatch' },
      ],
    });

    const prune = await run('audit', 'prune', '--older-than', 'P1D');
    expect(prune.code).toBe(EXIT.INVALID);
    expect(prune.stderr).toContain('nothing was pruned');
  });
});
