import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MikroORM } from '@mikro-orm/core';
import { spawnTogether } from '../../../test/support/ts-child';
import { auditHash } from './audit-chain';
import { AuditLogService, NO_ROLLOUT, type AuditAppend, type AuditVerifyResult } from './audit-log.service';
import { AuditEntry } from './entities/audit-entry.entity';
import { PlanVersion } from './entities/plan-version.entity';
import { RolloutProjection } from './entities/rollout-projection.entity';
import { mikroOrmOptions } from './mikro-orm.config';
import { loadPersistenceConfig } from './persistence.config';

/**
 * A fresh, migrated database per test: a SQLite file in a temp folder; and, when TEST_DATABASE_URL names
 * a PostgreSQL database that may be wiped, the same suite there too.
 */
interface Target {
  /** What the appender child process takes: a SQLite path or a PostgreSQL URL. */
  database: string;
  open(): Promise<MikroORM>;
  cleanup(): void;
}

const sqlite = (): Target => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-log-'));
  const file = join(dir, 'rollouts.sqlite');
  return {
    database: file,
    open: () => init(`sqlite:${file}`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
};

const postgres = (url: string): Target => ({
  database: url,
  open: async () => {
    const orm = await init(url, false);
    await orm.em.getConnection().execute('drop schema public cascade', [], 'run');
    await orm.em.getConnection().execute('create schema public', [], 'run');
    return orm;
  },
  cleanup: () => undefined,
});

async function init(url: string, migrate = true): Promise<MikroORM> {
  const options = mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: url }));
  const orm = await MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
  if (migrate) await orm.getMigrator().up();
  return orm;
}

const targets: [string, () => Target][] = [['SQLite', sqlite]];
const pgUrl = process.env.TEST_DATABASE_URL;
if (pgUrl?.startsWith('postgres')) targets.push(['PostgreSQL', () => postgres(pgUrl)]);

describe.each(targets)('audit log on %s', (dialect, makeTarget) => {
  let target: Target;
  let orm: MikroORM;
  let log: AuditLogService;

  beforeEach(async () => {
    target = makeTarget();
    orm = await target.open();
    await orm.getMigrator().up();
    log = new AuditLogService(orm);
  });

  afterEach(async () => {
    await orm.close();
    target.cleanup();
  });

  const sql = (query: string, params: unknown[] = []) => orm.em.getConnection().execute(query, params, 'run');

  const record = (n: number, over: Partial<AuditAppend> = {}): AuditAppend => ({
    idempotencyKey: `wf/run/${n}`,
    rolloutId: 'merchant-launch',
    actor: n % 2 ? 'alice' : 'engine',
    action: n % 2 ? 'gate.sign' : 'rollout.transition',
    target: `target-${n}`,
    payload: { n, note: `entry ${n}` },
    outcome: n % 2 ? 'accepted' : 'ok',
    at: new Date(Date.UTC(2026, 10, 23, 10, 0, n, 123)),
    ...over,
  });

  async function appendAll(count: number): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    for (let n = 1; n <= count; n += 1) entries.push((await log.append(record(n))).entry);
    return entries;
  }

  const rows = () => orm.em.fork().find(AuditEntry, {}, { orderBy: { seq: 'asc' } });

  describe('AuditLogService.append', () => {
    test('links each entry to the one before it, from seq 1', async () => {
      await appendAll(3);
      const [a, b, c] = await rows();
      expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
      expect(a.prevHash).toBeNull();
      expect(b.prevHash).toBe(a.hash);
      expect(c.prevHash).toBe(b.hash);
      expect(new Set([a.hash, b.hash, c.hash]).size).toBe(3);
      expect(c).toMatchObject({
        actor: 'alice',
        action: 'gate.sign',
        outcome: 'accepted',
        payload: { n: 3 },
      });
      expect(c.at.toISOString()).toBe('2026-11-23T10:00:03.123Z');
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 3, prunedSeq: 0 });
    });

    test('writes a key once: appending it again returns the first entry and leaves the chain as it was', async () => {
      const first = await log.append(record(1));
      const again = await log.append(record(1, { actor: 'someone-else' }));
      expect(first.created).toBe(true);
      expect(again).toMatchObject({ created: false, entry: { id: first.entry.id, actor: 'alice' } });
      expect(await rows()).toHaveLength(1);
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 1, prunedSeq: 0 });
    });

    test('defaults: outcome ok, empty payload, now', async () => {
      const before = Date.now();
      const { entry } = await log.append({
        idempotencyKey: 'k',
        rolloutId: 'r',
        actor: 'engine',
        action: 'x',
        target: 't',
      });
      expect(entry).toMatchObject({ outcome: 'ok', payload: {} });
      expect(entry.at.getTime()).toBeGreaterThanOrEqual(before);
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 1, prunedSeq: 0 });
    });

    test('stores the payload as it hashed it: undefined members are dropped, key order does not matter', async () => {
      await log.append(record(1, { payload: { z: 1, a: { y: undefined, b: [3, { d: 1, c: 2 }] } } }));
      const [row] = await rows();
      expect(row.payload).toEqual({ z: 1, a: { b: [3, { d: 1, c: 2 }] } });
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 1, prunedSeq: 0 });
    });

    test('concurrent appends in one process still form one valid chain', async () => {
      await Promise.all(Array.from({ length: 40 }, (_, i) => log.append(record(i + 1))));
      // A retried write racing its first attempt: still written once.
      await Promise.all([log.append(record(41)), log.append(record(41)), log.append(record(41))]);
      const all = await rows();
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 41, prunedSeq: 0 });
    });

    test('two processes appending at once (API and worker) still form one valid chain', async () => {
      await log.append(record(0));
      const appender = join(__dirname, '../../../test/support/audit-appender.ts');
      const perProcess = 10;
      const { done } = await spawnTogether(
        appender,
        ['api', 'worker'].map((name) => [target.database, name, String(perProcess)]),
      );
      // An operator runs `audit verify` meanwhile: the log is sound at every moment.
      let writing = true;
      const exited = done.finally(() => (writing = false));
      const checks: AuditVerifyResult[] = [];
      while (writing) {
        checks.push(await log.verify());
        await sleep(50);
      }
      await exited;
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((c) => !c.ok)).toEqual([]);

      const all = await rows();
      expect(all).toHaveLength(1 + 2 * perProcess);
      expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
      // The two writers really did interleave (otherwise this test proves little).
      const switches = all.slice(1).filter((e, i) => i > 0 && e.actor !== all[i].actor).length;
      expect(switches).toBeGreaterThan(1);
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 1 + 2 * perProcess, prunedSeq: 0 });
    }, 60_000);
  });

  if (dialect === 'SQLite') {
    test('an append that outwaits the busy timeout (another writer holding the lock) tries again', async () => {
      await log.append(record(1));
      // This connection waits 100 ms for a lock, then gives up (LockWaitTimeoutException) and retries.
      const options = mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: `sqlite:${target.database}` }));
      const impatient = await MikroORM.init({ ...options, driverOptions: { connection: { timeout: 100 } } });
      try {
        // The other writer (the test's own connection) holds the chain for 300 ms, then lets go by rolling
        // back: in one process a synchronous COMMIT would wait on the impatient reader that waits on it.
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        const holding = orm.em.fork().transactional(async (tx) => {
          await tx
            .getConnection()
            .execute('update audit_chain_head set seq = seq', [], 'run', tx.getTransactionContext());
          locked();
          await sleep(300);
          throw new Error('let go');
        });
        const released = holding.then(
          () => 'committed',
          (error: Error) => error.message,
        );
        await isLocked;
        const started = Date.now();
        const { created, entry } = await new AuditLogService(impatient).append(record(2));
        expect(Date.now() - started).toBeGreaterThanOrEqual(250);
        expect({ created, seq: entry.seq }).toEqual({ created: true, seq: 2 });
        expect(await released).toBe('let go');
        await expect(log.verify()).resolves.toEqual({ ok: true, count: 2, prunedSeq: 0 });
      } finally {
        await impatient.close();
      }
    });
  }

  describe('AuditLogService.verify', () => {
    test('an empty log is sound', async () => {
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 0, prunedSeq: 0 });
    });

    test('a row edited by hand (raw SQL) fails at that entry: hash mismatch', async () => {
      const entries = await appendAll(5);
      await sql("update audit_entry set actor = 'mallory' where id = ?", [entries[2].id]);
      await expect(log.verify()).resolves.toMatchObject({
        ok: false,
        count: 2,
        problem: 'hash mismatch',
        entry: { id: entries[2].id, seq: 3 },
      });
    });

    test.each([
      ['payload', 'update audit_entry set payload = \'{"n":2,"note":"entry 2 (edited)"}\' where seq = 2'],
      ['outcome', "update audit_entry set outcome = 'accepted' where seq = 2"],
      [
        'time',
        `update audit_entry set at = at + ${dialect === 'SQLite' ? '1000' : "interval '1 second'"} where seq = 2`,
      ],
      ['rollout', "update audit_entry set rollout_id = 'other' where seq = 2"],
    ])('an edited %s is found', async (_what, update) => {
      const entries = await appendAll(3);
      await sql(update);
      await expect(log.verify()).resolves.toMatchObject({
        ok: false,
        problem: 'hash mismatch',
        entry: { id: entries[1].id, seq: 2 },
      });
    });

    test('a forged entry with a recomputed hash breaks the next entry’s link', async () => {
      const entries = await appendAll(4);
      // Only the stored hash changed: that entry no longer matches it.
      await sql('update audit_entry set hash = ? where seq = 2', ['f'.repeat(64)]);
      await expect(log.verify()).resolves.toMatchObject({
        ok: false,
        problem: 'hash mismatch',
        entry: { seq: 2 },
      });
      // A forger who also rewrites the hash consistently still breaks the link from entry 3.
      const forged = (await rows())[1];
      forged.actor = 'mallory';
      await sql('update audit_entry set actor = ?, hash = ? where seq = 2', ['mallory', auditHash(forged)]);
      await expect(log.verify()).resolves.toMatchObject({
        ok: false,
        count: 2,
        problem: 'prev link mismatch',
        entry: { id: entries[2].id, seq: 3 },
      });
    });

    test('a removed entry is found: in the middle (sequence gap) or at the end (head mismatch)', async () => {
      const entries = await appendAll(4);
      await sql('delete from audit_entry where seq = 4');
      await expect(log.verify()).resolves.toMatchObject({ ok: false, count: 3, problem: 'head mismatch' });
      await sql('delete from audit_entry where seq = 2');
      await expect(log.verify()).resolves.toMatchObject({
        ok: false,
        count: 1,
        problem: 'sequence gap',
        entry: { id: entries[2].id, seq: 3 },
      });
    });

    test('walks the log in batches', async () => {
      await appendAll(10);
      await expect(log.verify({ batchSize: 3 })).resolves.toEqual({
        ok: true,
        count: 10,
        prunedSeq: 0,
      });
      await sql("update audit_entry set target = 'x' where seq = 8");
      await expect(log.verify({ batchSize: 3 })).resolves.toMatchObject({
        ok: false,
        count: 7,
        entry: { seq: 8 },
      });
    });

    test('an entry appended while it walks the log is not taken for a missing one', async () => {
      await appendAll(3);
      const fork = orm.em.fork.bind(orm.em);
      let appended = false;
      const spy = jest.spyOn(orm.em, 'fork').mockImplementation((options) => {
        const em = fork(options);
        const find = em.find.bind(em);
        // After verify has read the whole log and before it reads the head, another writer appends.
        em.find = (async (...args: Parameters<typeof find>) => {
          const found = await find(...args);
          if (!appended) {
            appended = true;
            await log.append(record(4));
          }
          return found;
        }) as typeof em.find;
        return em;
      });
      try {
        await expect(log.verify()).resolves.toEqual({ ok: true, count: 4, prunedSeq: 0 });
        expect(appended).toBe(true);
      } finally {
        spy.mockRestore();
      }
    });

    test('the last entry rewritten with a recomputed hash is named: it is not the hash the head recorded', async () => {
      const entries = await appendAll(3);
      const forged = (await rows())[2];
      forged.actor = 'mallory';
      await sql('update audit_entry set actor = ?, hash = ? where seq = 3', ['mallory', auditHash(forged)]);
      await expect(log.verify()).resolves.toMatchObject({
        ok: false,
        count: 2,
        problem: 'head mismatch',
        entry: { id: entries[2].id, seq: 3 },
      });
    });

    test('an entry added after the head, bypassing append, is named even with a sound hash and link', async () => {
      const entries = await appendAll(2);
      const extra = {
        seq: 3,
        idempotencyKey: 'forged',
        rolloutId: 'merchant-launch',
        actor: 'mallory',
        action: 'gate.sign',
        target: 'go-live',
        payload: {},
        outcome: 'accepted',
        at: new Date(Date.UTC(2026, 10, 23, 11)),
        prevHash: entries[1].hash,
      };
      await sql(
        'insert into audit_entry (seq, idempotency_key, rollout_id, actor, action, target, payload, outcome, at, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          ...Object.values({
            ...extra,
            payload: '{}',
            at: dialect === 'SQLite' ? extra.at.getTime() : extra.at,
          }),
          auditHash(extra),
        ],
      );
      const [inserted] = await orm.em.fork().find(AuditEntry, { seq: 3 });
      await expect(log.verify()).resolves.toMatchObject({
        ok: false,
        count: 2,
        problem: 'head mismatch',
        entry: { id: inserted.id, seq: 3 },
      });
    });

    test('a missing head row is reported', async () => {
      await appendAll(2);
      await sql('delete from audit_chain_head');
      await expect(log.verify()).resolves.toMatchObject({
        ok: false,
        count: 0,
        problem: 'head mismatch',
        detail: 'the chain head row is missing',
      });
    });
  });

  describe('AuditLogService.verify reports every break, not only the first', () => {
    const named = (result: AuditVerifyResult) =>
      result.ok ? [] : result.breaks.map((b) => [b.problem, b.entry?.seq ?? 'head']);

    test('two rows edited by hand are both named', async () => {
      await appendAll(6);
      await sql("update audit_entry set actor = 'mallory' where seq = 2");
      await sql("update audit_entry set target = 'elsewhere' where seq = 5");
      const result = await log.verify();
      expect(named(result)).toEqual([
        ['hash mismatch', 2],
        ['hash mismatch', 5],
      ]);
      expect(result).toMatchObject({ ok: false, count: 1, checked: 6, breakCount: 2, entry: { seq: 2 } });
    });

    test('an edited row, a row removed in the middle and the last row removed: each reported', async () => {
      await appendAll(8);
      await sql("update audit_entry set outcome = 'refused' where seq = 2");
      await sql('delete from audit_entry where seq = 5');
      await sql('delete from audit_entry where seq = 8');
      expect(named(await log.verify())).toEqual([
        ['hash mismatch', 2],
        ['sequence gap', 6],
        ['head mismatch', 'head'],
      ]);
    });

    test('a row removed and the next one edited: the gap does not hide the edit', async () => {
      await appendAll(5);
      await sql('delete from audit_entry where seq = 3');
      await sql("update audit_entry set actor = 'mallory' where seq = 4");
      expect(named(await log.verify())).toEqual([
        ['sequence gap', 4],
        ['hash mismatch', 4],
      ]);
    });

    test('a row rewritten with a recomputed hash, and a later row edited: both reported', async () => {
      await appendAll(5);
      const forged = (await rows())[1];
      forged.actor = 'mallory';
      await sql('update audit_entry set actor = ?, hash = ? where seq = 2', ['mallory', auditHash(forged)]);
      await sql("update audit_entry set target = 'x' where seq = 4");
      expect(named(await log.verify({ batchSize: 2 }))).toEqual([
        ['prev link mismatch', 3],
        ['hash mismatch', 4],
      ]);
    });
  });

  describe('AuditLogService.append stores exactly what it hashes', () => {
    test('lone surrogates and control characters become U+FFFD in every field, and the chain verifies', async () => {
      await appendAll(2);
      const { entry } = await log.append({
        idempotencyKey: 'refusal/\ud83d',
        rolloutId: 'r\u0000',
        actor: 'anonymous\udc00',
        action: 'api.completeChecklistItem',
        target: '\ud83d',
        payload: { input: { itemId: '\ud83d', note: 'a\u0000b\u001bc\td\ne', ['k\u0000']: ['\udfff'] } },
        outcome: 'refused',
      });
      await log.append(record(3));
      const [stored] = await orm.em.fork().find(AuditEntry, { id: entry.id });
      expect(stored).toMatchObject({
        idempotencyKey: 'refusal/\ufffd',
        rolloutId: 'r\ufffd',
        actor: 'anonymous\ufffd',
        target: '\ufffd',
        payload: { input: { itemId: '\ufffd', note: 'a\ufffdb\ufffdc\td\ne', ['k\ufffd']: ['\ufffd'] } },
      });
      expect(stored.hash).toBe(auditHash(stored));
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 4, prunedSeq: 0 });
      // The same key, sent again as it came, finds the entry: the key is made storable before it is looked up.
      const again = await log.append({ ...record(9), idempotencyKey: 'refusal/\ud83d' });
      expect(again).toMatchObject({ created: false, entry: { id: entry.id } });
    });

    test('texts longer than their column are cut to it (and a cut pair mended) before hashing', async () => {
      const { entry } = await log.append(
        record(1, { target: `${'t'.repeat(254)}\ud83d\ude00`, actor: 'a'.repeat(400) }),
      );
      const [stored] = await orm.em.fork().find(AuditEntry, { id: entry.id });
      expect(stored.target).toBe(`${'t'.repeat(254)}\ufffd`);
      expect(stored.actor).toHaveLength(255);
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 1, prunedSeq: 0 });
    });
  });

  describe('AuditLogService.prune', () => {
    const DAY = 86_400_000;
    const now = new Date(Date.UTC(2026, 11, 1, 12));
    const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);
    const P1Y = { olderThan: 'P1Y', olderThanMs: 365 * DAY, actor: 'cli:ops', now };

    /** Entries of these (rollout, age in days), in this order. */
    async function appendAged(entries: [rolloutId: string, days: number][]): Promise<AuditEntry[]> {
      const written: AuditEntry[] = [];
      for (const [i, [rolloutId, days]] of entries.entries())
        written.push((await log.append(record(i + 1, { rolloutId, at: daysAgo(days) }))).entry);
      return written;
    }

    /** A rollout in the projection; ended ones ran version 1 of plan `p`, which keeps its audit for `retention`. */
    async function rollout(rolloutId: string, ended: boolean, retention?: string) {
      const em = orm.em.fork();
      if (retention && !(await em.findOne(PlanVersion, { id: 'p@1' })))
        em.create(PlanVersion, {
          id: 'p@1',
          name: 'p',
          version: 1,
          format: 'yaml',
          source: '',
          plan: { settings: { auditRetention: retention } },
          digest: 'd',
          report: null,
          changes: [],
          createdBy: 'rita',
          createdAt: daysAgo(900),
        });
      em.create(RolloutProjection, {
        rolloutId,
        workflowId: `rollout-${rolloutId}`,
        plan: 'p',
        planVersion: 1,
        status: ended ? 'COMPLETED' : 'RUNNING',
        startedAt: daysAgo(900),
        updatedAt: daysAgo(800),
        completedAt: ended ? daysAgo(800) : null,
        version: 1,
      });
      await em.flush();
    }

    test('removes the oldest entries past the age asked, records where the chain now starts, and the rest verifies', async () => {
      const written = await appendAged([
        ['gone', 400],
        ['gone', 390],
        ['gone', 380],
        ['gone', 10],
        ['gone', 5],
      ]);
      // A dry run says what would go and changes nothing.
      const dry = await log.prune({ ...P1Y, dryRun: true });
      expect(dry).toMatchObject({ ok: true, pruned: 3, from: { seq: 1 }, through: { seq: 3 } });
      expect(dry).not.toHaveProperty('record');
      expect(await rows()).toHaveLength(5);

      const result = await log.prune(P1Y);
      expect(result).toMatchObject({
        ok: true,
        pruned: 3,
        from: { seq: 1 },
        through: { seq: 3 },
        stop: { seq: 4, rolloutId: 'gone', why: 'younger than P1Y' },
        record: { seq: 6 },
      });
      const kept = await rows();
      expect(kept.map((e) => e.seq)).toEqual([4, 5, 6]);
      expect(kept[0].prevHash).toBe(written[2].hash);
      expect(kept[2]).toMatchObject({
        action: 'audit.prune',
        actor: 'cli:ops',
        rolloutId: NO_ROLLOUT,
        target: 'seq 1-3',
        payload: { throughSeq: 3, throughHash: written[2].hash, count: 3, olderThan: 'P1Y', keptFrom: 4 },
      });
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 3, prunedSeq: 3 });

      // Later, everything is old enough, the first prune's own entry too: the chain starts after it.
      const later = await log.prune({
        ...P1Y,
        olderThan: 'P1D',
        olderThanMs: DAY,
        now: new Date(now.getTime() + 400 * DAY),
      });
      expect(later).toMatchObject({
        ok: true,
        pruned: 3,
        from: { seq: 4 },
        through: { seq: 6 },
        record: { seq: 7 },
      });
      expect((await rows()).map((e) => e.seq)).toEqual([7]);
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 1, prunedSeq: 6 });
      // Nothing left to prune: the last prune's entry is young.
      await expect(log.prune({ ...P1Y, now: new Date(now.getTime() + 400 * DAY) })).resolves.toMatchObject({
        ok: true,
        pruned: 0,
        stop: { seq: 7 },
      });
    });

    test("never below a plan's retention, nor while a rollout runs: pruning stops at the first entry kept", async () => {
      await rollout('ended', true, 'P2Y');
      await rollout('live', false);
      await appendAged([
        ['ended', 800],
        ['ended', 700],
        ['gone', 600],
      ]);
      const floor = { ...P1Y, olderThan: 'P30D', olderThanMs: 30 * DAY };
      expect(await log.prune(floor)).toMatchObject({
        ok: true,
        pruned: 1,
        stop: { seq: 2, rolloutId: 'ended', why: 'plan p@1 (rollout ended) keeps its audit entries for P2Y' },
      });
      expect((await rows()).map((e) => e.seq)).toEqual([2, 3, 4]);

      // Years later the plan's retention is over; the next entries belong to a rollout still running.
      await log.append(record(9, { rolloutId: 'live', at: daysAgo(500) }));
      const years = { ...floor, now: new Date(now.getTime() + 1000 * DAY) };
      expect(await log.prune(years)).toMatchObject({
        ok: true,
        pruned: 3,
        through: { seq: 4 },
        stop: { seq: 5, rolloutId: 'live', why: 'rollout live has not ended (RUNNING)' },
      });
      await expect(log.verify()).resolves.toMatchObject({ ok: true, prunedSeq: 4 });
    });

    test('a start removed by other means than prune is found, even with the head moved to match', async () => {
      const written = await appendAged([
        ['gone', 400],
        ['gone', 390],
        ['gone', 10],
      ]);
      await sql('delete from audit_entry where seq <= 2');
      await expect(log.verify()).resolves.toMatchObject({ ok: false, problem: 'sequence gap' });
      await sql('update audit_chain_head set pruned_seq = 2, pruned_hash = ?', [written[1].hash]);
      await expect(log.verify()).resolves.toMatchObject({
        ok: false,
        count: 1,
        problem: 'prune mismatch',
        detail: expect.stringContaining('no audit.prune entry in the chain records that') as unknown,
      });
    });

    test('a broken chain is not pruned: the evidence stays', async () => {
      const written = await appendAged([
        ['gone', 400],
        ['gone', 390],
      ]);
      await sql("update audit_entry set actor = 'mallory' where id = ?", [written[1].id]);
      const result = await log.prune(P1Y);
      expect(result).toMatchObject({ ok: false, broken: { problem: 'hash mismatch', entry: { seq: 2 } } });
      expect((await rows()).map((e) => e.seq)).toEqual([1, 2]);
    });
  });
});
