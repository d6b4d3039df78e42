import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { AuditLogService } from '../audit-log.service';
import { AuditEntry } from '../entities/audit-entry.entity';
import { mikroOrmOptions } from '../mikro-orm.config';
import { loadPersistenceConfig } from '../persistence.config';

// SQLite, and PostgreSQL too when TEST_DATABASE_URL names a database that may be wiped.
const dialects: ['SQLite' | 'PostgreSQL'][] = [['SQLite']];
const pgUrl = process.env.TEST_DATABASE_URL;
if (pgUrl?.startsWith('postgres')) dialects.push(['PostgreSQL']);

// Entries written before the chain existed are chained by the migration, in id order, and new entries
// continue that chain.
test.each(dialects)(
  '%s: chains the entries already in the log, and appends continue the chain',
  async (dialect) => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-chain-migration-'));
    const url = dialect === 'SQLite' ? `sqlite:${join(dir, 'rollouts.sqlite')}` : pgUrl!;
    const options = mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: url }));
    const orm = await MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
    try {
      if (dialect === 'PostgreSQL') {
        await orm.em.getConnection().execute('drop schema public cascade', [], 'run');
        await orm.em.getConnection().execute('create schema public', [], 'run');
      }
      await orm.getMigrator().up({ to: 'Migration20261122100000_adapters' });
      // As the ORM wrote them before: payload as JSON text, time as milliseconds since the epoch (SQLite).
      const legacy = [
        ['wf/1', 'alice', 'rollout.start', '{"phases":2}', 'accepted', Date.UTC(2026, 10, 1, 9)],
        [
          'wf/2',
          'bob',
          'checklist.complete',
          '{"phase":"p1","note":null}',
          'refused',
          Date.UTC(2026, 10, 1, 10),
        ],
        ['wf/3', 'engine', 'rollout.complete', '{}', 'accepted', Date.UTC(2026, 10, 2, 9, 30, 0, 250)],
      ];
      for (const [key, actor, action, payload, outcome, at] of legacy) {
        await orm.em
          .getConnection()
          .execute(
            'insert into audit_entry (idempotency_key, rollout_id, actor, action, target, payload, outcome, at) values (?, ?, ?, ?, ?, ?, ?, ?)',
            [
              key,
              'legacy',
              actor,
              action,
              'admin-panel',
              payload,
              outcome,
              dialect === 'SQLite' ? at : new Date(at),
            ],
            'run',
          );
      }

      await orm.getMigrator().up();

      const log = new AuditLogService(orm);
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 3, prunedSeq: 0 });
      const { entry } = await log.append({
        idempotencyKey: 'wf/4',
        rolloutId: 'legacy',
        actor: 'carol',
        action: 'gate.sign',
        target: 'go-live',
      });
      const rows = await orm.em.fork().find(AuditEntry, {}, { orderBy: { id: 'asc' } });
      expect(rows.map((r) => [r.idempotencyKey, r.seq])).toEqual([
        ['wf/1', 1],
        ['wf/2', 2],
        ['wf/3', 3],
        ['wf/4', 4],
      ]);
      expect(rows[0].prevHash).toBeNull();
      expect(entry.prevHash).toBe(rows[2].hash);
      expect(rows[2].at.toISOString()).toBe('2026-11-02T09:30:00.250Z');
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 4, prunedSeq: 0 });
    } finally {
      await orm.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test.each(dialects)('%s: rolls back to the plain log and forward again', async (dialect) => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-chain-migration-'));
  const url = dialect === 'SQLite' ? `sqlite:${join(dir, 'rollouts.sqlite')}` : pgUrl!;
  const options = mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: url }));
  const orm = await MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
  try {
    if (dialect === 'PostgreSQL') {
      await orm.em.getConnection().execute('drop schema public cascade', [], 'run');
      await orm.em.getConnection().execute('create schema public', [], 'run');
    }
    const log = new AuditLogService(orm);
    const append = (key: string) =>
      log.append({ idempotencyKey: key, rolloutId: 'r', actor: 'a', action: 'x', target: 't' });
    await orm.getMigrator().up();
    await append('before');
    await orm.getMigrator().down({ to: 'Migration20261122100000_adapters' });
    await orm.getMigrator().up();
    await append('after');
    await expect(log.verify()).resolves.toEqual({ ok: true, count: 2, prunedSeq: 0 });
  } finally {
    await orm.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
