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
async function database(count: number, to?: string, daysOld = 0) {
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
      at: new Date(Date.now() - daysOld * 86_400_000),
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
    expect(stderr).toContain('the chain head says the log ends at seq 3');
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

describe('audit prune', () => {
  test('removes entries past the age asked, says what it did, and the chain still verifies from its new start', async () => {
    const { orm } = await database(3, undefined, 400);
    await orm.close();
    const dry = await run('audit', 'prune', '--older-than', 'P1Y', '--dry-run');
    expect(dry.code).toBe(EXIT.OK);
    expect(dry.stdout).toMatch(/^would prune 3 entries \(seq 1-3, /);
    expect((await run('audit', 'verify')).stdout).toBe('audit log OK: 3 entries\n');

    const pruned = await run('audit', 'prune', '--older-than', 'P1Y');
    expect(pruned).toMatchObject({ code: EXIT.OK, stderr: '' });
    expect(pruned.stdout).toMatch(
      /^pruned 3 entries \(seq 1-3, .*\)\nrecorded as audit entry seq 4 \(audit\.prune\)\n$/,
    );
    expect(await run('audit', 'verify')).toEqual({
      code: EXIT.OK,
      stdout: 'audit log OK: 1 entry (from seq 4; the 3 before it were pruned)\n',
      stderr: '',
    });
    const again = await run('audit', 'prune', '--older-than', 'P1Y');
    expect(again.stdout).toMatch(/^nothing to prune\nkept from seq 4 \(.*\): younger than P1Y\n$/);
  });

  test('a duration that is not one, or is not positive, is refused before the database is touched', async () => {
    for (const bad of ['1 year', 'P0D', '-P1D']) {
      const { code, stdout, stderr } = await run('audit', 'prune', '--older-than', bad);
      expect({ code, stdout }).toEqual({ code: EXIT.USAGE, stdout: '' });
      expect(stderr).toContain(`--older-than "${bad}" is not a positive ISO 8601 duration`);
    }
    expect((await run('audit', 'prune')).stderr).toContain("required option '--older-than <duration>'");
  });

  test('a broken chain is not pruned, and says so', async () => {
    const { orm, ids } = await database(2, undefined, 400);
    await orm.em
      .getConnection()
      .execute("update audit_entry set actor = 'mallory' where id = ?", [ids[0]], 'run');
    await orm.close();
    const { code, stderr } = await run('audit', 'prune', '--older-than', 'P1Y');
    expect(code).toBe(EXIT.INVALID);
    expect(stderr).toContain('hash mismatch');
    expect(stderr).toContain('nothing was pruned');
    expect((await run('audit', 'verify')).stderr).toContain(`entry id ${ids[0]} (seq 1)`);
  });
});
