import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { AuditLogService } from '../../../libs/persistence/src/audit-log.service';
import { mikroOrmOptions } from '../../../libs/persistence/src/mikro-orm.config';
import { EXIT, main } from './main';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const env = { DATA_DIR: dataDir };
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

/** The product's database in DATA_DIR, migrated (up to `to`), with `count` audit entries. */
async function database(count: number, to?: string) {
  const options = mikroOrmOptions({ driver: 'sqlite', file: join(dataDir, 'rollouts.sqlite'), debug: false });
  const orm = await MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
  await orm.getMigrator().up(to ? { to } : undefined);
  const log = new AuditLogService(orm);
  const ids: number[] = [];
  for (let i = 1; i <= count; i += 1) {
    const { entry } = await log.append({
      idempotencyKey: `k${i}`,
      rolloutId: 'r1',
      actor: 'alice',
      action: 'checklist.complete',
      target: `item-${i}`,
    });
    ids.push(entry.id);
  }
  return { orm, ids };
}

describe('audit verify', () => {
  test('reports a sound log with its size, and exits 0', async () => {
    const { orm } = await database(3);
    await orm.close();
    expect(await run('audit', 'verify')).toEqual({
      code: EXIT.OK,
      stdout: 'audit log OK: 3 entries\n',
      stderr: '',
    });
  });

  test('names the first entry edited by hand, and exits 1', async () => {
    const { orm, ids } = await database(4);
    await orm.em
      .getConnection()
      .execute("update audit_entry set actor = 'mallory' where id = ?", [ids[1]], 'run');
    await orm.close();
    const { code, stdout, stderr } = await run('audit', 'verify');
    expect(code).toBe(EXIT.INVALID);
    expect(stdout).toBe('');
    expect(stderr).toContain(`audit log BROKEN at entry id ${ids[1]} (seq 2): hash mismatch`);
    expect(stderr).toContain('1 entry before it is sound');
  });

  test('entries removed from the end: the head no longer matches, exit 1', async () => {
    const { orm } = await database(3);
    await orm.em.getConnection().execute('delete from audit_entry where seq = 3', [], 'run');
    await orm.close();
    const { code, stderr } = await run('audit', 'verify');
    expect(code).toBe(EXIT.INVALID);
    expect(stderr).toContain('audit log BROKEN at the chain head, after 2 entries: head mismatch');
    expect(stderr).toContain('the chain head says 3 entries');
  });

  test('will not create a database that is not there', async () => {
    const { code, stderr } = await run('audit', 'verify');
    expect(code).toBe(EXIT.USAGE);
    expect(stderr).toContain(`no database at ${join(dataDir, 'rollouts.sqlite')}`);
  });

  test('will not check a database whose schema is behind', async () => {
    const { orm } = await database(0, 'Migration20261122100000_adapters');
    await orm.close();
    const { code, stderr } = await run('audit', 'verify');
    expect(code).toBe(EXIT.USAGE);
    expect(stderr).toContain('Migration20261123000000_audit_chain');
  });
});
