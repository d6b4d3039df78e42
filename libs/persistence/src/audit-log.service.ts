import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import {
  DeadlockException,
  LockWaitTimeoutException,
  MikroORM,
  UniqueConstraintViolationException,
  type EntityManager,
} from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { auditHash, canonicalJson, storableJson, storableText, type AuditOutcome } from './audit-chain';
import { loadRetentions, prunablePrefix, type PrunablePrefix, type Retention } from './audit-retention';
import { AuditChainHead } from './entities/audit-chain-head.entity';
import { AuditEntry } from './entities/audit-entry.entity';

/** The head row's id: the chain has exactly one head. */
export const AUDIT_CHAIN_HEAD_ID = 1;

/** The rollout id of entries that concern no rollout (a refusal naming none, a prune). */
export const NO_ROLLOUT = '-';

export interface AuditAppend {
  /** One key per logical write (an activity's key, a request id …): appending it again is a no-op. */
  idempotencyKey: string;
  rolloutId: string;
  actor: string;
  action: string;
  target: string;
  payload?: Record<string, unknown>;
  outcome?: AuditOutcome;
  /** When it happened; defaults to now. */
  at?: Date;
}

/** Why an entry breaks the chain. */
export type AuditBreak =
  | 'hash mismatch' // the entry's fields (or its hash) were changed after it was written
  | 'prev link mismatch' // its prevHash is not the previous entry's hash: an entry before it was changed
  | 'sequence gap' // entries before it are missing
  | 'head mismatch' // the chain head disagrees with the log's end: entries removed, added or rewritten there
  | 'prune mismatch'; // the chain head says entries were pruned, but no audit.prune entry records it

/** One broken place in the chain: an entry, or the chain head (no entry named). */
export interface AuditBreakReport {
  problem: AuditBreak;
  /** The entry that breaks the chain; absent when entries are missing at the end, or for the head row. */
  entry?: { id: number; seq: number };
  detail: string;
}

export type AuditVerifyResult =
  | {
      ok: true;
      count: number;
      /** The last entry pruned (`prune`): the chain starts after it. 0 when nothing was. */
      prunedSeq: number;
    }
  | ({
      ok: false;
      /** Entries checked and found sound before the first break. */
      count: number;
      /** Every entry the walk read (sound or not). */
      checked: number;
      /**
       * Every break found, in chain order (the head's last), at most MAX_REPORTED_BREAKS of them: the walk
       * goes on past a break, so one bad row never hides another. An entry may appear twice: once for its
       * link (a gap or a prev-hash mismatch: something before it removed or rewritten), once for its fields.
       */
      breaks: AuditBreakReport[];
      /** How many breaks were found in all (more than `breaks` holds when it was capped). */
      breakCount: number;
    } & AuditBreakReport); // the first break, as before: `problem`, `entry`, `detail`

export interface AuditPruneOptions {
  /** Entries younger than this stay whatever else holds: the ISO duration as given, and in ms. */
  olderThan: string;
  olderThanMs: number;
  /** Who prunes (audited). */
  actor: string;
  dryRun?: boolean;
  now?: Date;
}

export type AuditPruneResult =
  | {
      ok: true;
      pruned: number;
      /** The first and last entry pruned (or that would be). */
      from?: { seq: number; at: Date };
      through?: { seq: number; at: Date };
      /** The first entry kept, and the rule that keeps it. */
      stop?: PrunablePrefix['stop'];
      /** The `audit.prune` entry written (not on a dry run, nor when nothing was pruned). */
      record?: { seq: number };
    }
  /** The chain was broken before pruning: nothing was removed. */
  | { ok: false; broken: Extract<AuditVerifyResult, { ok: false }> };

const VERIFY_BATCH = 500;

/** How many breaks `verify` lists; it counts them all. */
export const MAX_REPORTED_BREAKS = 1_000;

/** How often `append` tries when it meets another writer's lock for too long (or a deadlock). */
const APPEND_ATTEMPTS = 5;
const APPEND_RETRY_MS = 50;

/**
 * The audit log, append-only and hash-chained: each entry stores the previous entry's hash and its own
 * over its fields, so an edited, removed or inserted row is found by `verify`.
 */
@Injectable()
export class AuditLogService {
  constructor(private readonly orm: MikroORM) {}

  /**
   * Appends one entry at the end of the chain, or returns the one already written under the same
   * idempotency key. Concurrent appenders, in this process or another, queue on the chain head; one that
   * waited too long (SQLite's busy timeout, a PostgreSQL lock timeout or deadlock) tries again, a few times.
   */
  async append(raw: AuditAppend): Promise<{ entry: AuditEntry; created: boolean }> {
    const input = storable(raw);
    const at = new Date(input.at ?? Date.now());
    if (Number.isNaN(at.getTime())) throw new Error(`audit entry ${input.idempotencyKey}: invalid time`);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.appendOnce(input, at);
      } catch (error) {
        if (attempt >= APPEND_ATTEMPTS || !isContention(error)) throw error;
        await sleep(APPEND_RETRY_MS * attempt * (0.5 + Math.random()));
      }
    }
  }

  private async appendOnce(input: AuditAppend, at: Date): Promise<{ entry: AuditEntry; created: boolean }> {
    // Runs outside any request context: a forked entity manager of its own, fresh for every attempt.
    const em = this.orm.em.fork();
    const existing = await em.findOne(AuditEntry, { idempotencyKey: input.idempotencyKey });
    if (existing) return { entry: existing, created: false };
    return em.transactional(async (tx) => {
      await lockHead(tx);
      // Under the lock: a concurrent append with the same key has either committed (seen here) or waits.
      const written = await tx.findOne(AuditEntry, { idempotencyKey: input.idempotencyKey });
      if (written) return { entry: written, created: false };
      return { entry: await appendLocked(tx, input, at), created: true };
    });
  }

  /**
   * Whether an entry could be appended now: a write statement on the chain head's table (matching no row, so
   * it takes no row lock from appenders) in a transaction of its own. Throws what the database says when it
   * takes no writes (read-only, disk full, unreachable …). What readiness and the actions' pre-check ask.
   */
  async checkWritable(): Promise<void> {
    await this.orm.em.fork().transactional(async (tx) => {
      await executeWrite(tx, `update audit_chain_head set seq = seq where id = -1`);
    });
  }

  /**
   * Removes the oldest entries that are past their retention (see `prunablePrefix`: never younger than
   * `olderThan`, nor than their rollout's plan asks, nor of a rollout that has not ended), and appends an
   * `audit.prune` entry recording where the chain now starts. The chain head keeps the last pruned position
   * and hash, so `verify` checks the rest from there, and finds a start removed by any other means.
   * Refuses a broken chain: pruning would destroy the evidence. `dryRun` reports and changes nothing.
   */
  async prune(options: AuditPruneOptions): Promise<AuditPruneResult> {
    const now = options.now ?? new Date();
    const floor = { keepMs: options.olderThanMs, why: `younger than ${options.olderThan}` };
    const verified = await this.verify();
    if (!verified.ok) return { ok: false, broken: verified };
    const em = this.orm.em.fork();
    const run = async (tx: EntityManager): Promise<AuditPruneResult> => {
      if (!options.dryRun) await lockHead(tx);
      const head = await tx.findOneOrFail(AuditChainHead, { id: AUDIT_CHAIN_HEAD_ID });
      let last: AuditEntry | undefined;
      let first: AuditEntry | undefined;
      let count = 0;
      let stop: PrunablePrefix['stop'];
      const retentions = new Map<string, Retention>();
      const looked = new Set<string>();
      // Batch by batch from the chain's start, until an entry must stay.
      while (!stop) {
        const batch = await tx.find(
          AuditEntry,
          { seq: { $gt: last?.seq ?? head.prunedSeq } },
          { orderBy: { seq: 'asc' }, limit: VERIFY_BATCH },
        );
        const unknown = [...new Set(batch.map((e) => e.rolloutId))].filter((id) => !looked.has(id));
        unknown.forEach((id) => looked.add(id));
        for (const [id, retention] of await loadRetentions(tx, unknown)) retentions.set(id, retention);
        const prefix = prunablePrefix(batch, now, floor, retentions);
        if (prefix.count) {
          first ??= batch[0];
          last = batch[prefix.count - 1];
          count += prefix.count;
        }
        stop = prefix.stop;
        if (batch.length < VERIFY_BATCH) break;
      }
      const result = {
        ok: true as const,
        pruned: count,
        ...(first &&
          last && { from: { seq: first.seq, at: first.at }, through: { seq: last.seq, at: last.at } }),
        ...(stop && { stop }),
      };
      if (options.dryRun || !last) return result;
      await tx.nativeDelete(AuditEntry, { seq: { $lte: last.seq } });
      head.prunedSeq = last.seq;
      head.prunedHash = last.hash;
      const record = await appendLocked(
        tx,
        {
          idempotencyKey: `audit-prune/${last.seq}`,
          rolloutId: NO_ROLLOUT,
          actor: options.actor,
          action: 'audit.prune',
          target: `seq ${first!.seq}-${last.seq}`,
          payload: {
            throughSeq: last.seq,
            throughHash: last.hash,
            count,
            olderThan: options.olderThan,
            ...(stop && { keptFrom: stop.seq, keptBecause: stop.why }),
          },
        },
        now,
      );
      return { ...result, record: { seq: record.seq } };
    };
    return options.dryRun ? run(em) : em.transactional(run);
  }

  /**
   * Walks the whole chain in order, from its start (after the last pruned entry, if any were pruned), and
   * reports every entry that breaks it (going on past each break), or how many entries are sound. Only reads, and holds no lock: appends may
   * go on meanwhile. An entry and the head that points at it are committed together, so the head is read
   * after the walk, and when it has moved past the last entry read, the walk goes on from there before
   * anything is called missing. A prune that lands meanwhile moves the start: the walk is made again.
   */
  async verify({ batchSize = VERIFY_BATCH }: { batchSize?: number } = {}): Promise<AuditVerifyResult> {
    const em = this.orm.em.fork();
    const startOf = async () => {
      const head = await em.findOne(AuditChainHead, { id: AUDIT_CHAIN_HEAD_ID });
      em.clear();
      return head && { seq: head.prunedSeq, hash: head.prunedHash };
    };
    for (let attempt = 1; ; attempt += 1) {
      const start = await startOf();
      if (!start) {
        const missing = { problem: 'head mismatch' as const, detail: 'the chain head row is missing' };
        return { ok: false, count: 0, checked: 0, ...missing, breaks: [missing], breakCount: 1 };
      }
      const result = await this.walk(em, start, batchSize);
      if (result.ok || attempt > 1 || (await startOf())?.seq === start.seq) return result;
    }
  }

  private async walk(
    em: EntityManager,
    start: { seq: number; hash: string | null },
    batchSize: number,
  ): Promise<AuditVerifyResult> {
    let count = 0;
    let checked = 0;
    const found = new Breaks();
    let last: { id: number; seq: number; hash: string } | undefined;
    /** The latest `audit.prune` entry met: it must record the start the head gives. */
    let prune: Record<string, unknown> | undefined;
    /** How far the walk had got when the head was last found ahead of it. */
    let chased = -1;
    const report = (): AuditVerifyResult =>
      found.none() ? { ok: true, count, prunedSeq: start.seq } : found.result(count, checked);
    for (;;) {
      for (;;) {
        // The first batch takes every row, whatever its seq (an edited seq is a gap, not a row skipped).
        const where = last ? { seq: { $gt: last.seq } } : {};
        const batch = await em.find(AuditEntry, where, { orderBy: { seq: 'asc' }, limit: batchSize });
        for (const entry of batch) {
          // Its link and its fields are checked apart, and the walk goes on from the entry as stored:
          // a row removed before an edited one is reported, and so is the edit.
          const broken = checkEntry(entry, (last?.seq ?? start.seq) + 1, last ? last.hash : start.hash);
          for (const b of broken) found.add({ ...b, entry: { id: entry.id, seq: entry.seq } }, count);
          if (entry.action === 'audit.prune') prune = entry.payload;
          last = { id: entry.id, seq: entry.seq, hash: entry.hash };
          checked += 1;
          if (found.none()) count += 1;
        }
        em.clear();
        if (batch.length < batchSize) break;
      }
      const lastSeq = last?.seq ?? start.seq;
      const lastHash = last ? last.hash : start.hash;
      const head = await em.findOne(AuditChainHead, { id: AUDIT_CHAIN_HEAD_ID });
      em.clear();
      if (!head) {
        found.add({ problem: 'head mismatch', detail: 'the chain head row is missing' }, count);
        return report();
      }
      if (head.seq > lastSeq && chased !== lastSeq) {
        // Entries appended while we walked (or missing: the next round tells, by reading nothing new).
        chased = lastSeq;
        continue;
      }
      if (head.seq > lastSeq) {
        found.add(
          {
            problem: 'head mismatch',
            detail: `the chain head says the log ends at seq ${head.seq} with ${short(head.hash)}, it ends at seq ${lastSeq}: entries at the end were removed`,
          },
          count,
        );
      } else if (head.seq < lastSeq) {
        // Rows after the head: written around `append` (a head and its entry are committed together).
        const beyond = await em.findOne(AuditEntry, { seq: { $gt: head.seq } }, { orderBy: { seq: 'asc' } });
        em.clear();
        found.add(
          {
            problem: 'head mismatch',
            ...(beyond && { entry: { id: beyond.id, seq: beyond.seq } }),
            detail: `the chain head ends at seq ${head.seq}, the log at ${lastSeq}: entries after the head were not appended through the log`,
          },
          Math.min(count, Math.max(head.seq - start.seq, 0)),
        );
      } else if (head.hash !== lastHash) {
        // Sound link, yet not the hash the head recorded: rewritten with a recomputed hash.
        found.add(
          {
            problem: 'head mismatch',
            ...(last && { entry: { id: last.id, seq: last.seq } }),
            detail: `the last entry's hash ${short(lastHash)} is not the one the chain head recorded, ${short(head.hash)}: it was rewritten`,
          },
          Math.max(Math.min(count, checked - 1), 0),
        );
      }
      if (start.seq > 0 && (prune?.throughSeq !== start.seq || prune?.throughHash !== start.hash)) {
        // Only `prune` moves the start, and it records the move in the chain itself.
        found.add(
          {
            problem: 'prune mismatch',
            detail: `the chain head says entries up to seq ${start.seq} were pruned, but no audit.prune entry in the chain records that: entries at its start were removed by other means`,
          },
          count,
        );
      }
      return report();
    }
  }
}

/** The breaks a walk finds: all counted, the first MAX_REPORTED_BREAKS kept. */
class Breaks {
  private readonly list: AuditBreakReport[] = [];
  private total = 0;
  /** Sound entries before the first break. */
  private soundBefore = 0;

  add(found: AuditBreakReport, soundSoFar: number): void {
    if (this.total === 0) this.soundBefore = soundSoFar;
    this.total += 1;
    if (this.list.length < MAX_REPORTED_BREAKS) this.list.push(found);
  }

  none(): boolean {
    return this.total === 0;
  }

  result(count: number, checked: number): Extract<AuditVerifyResult, { ok: false }> {
    const [first] = this.list;
    return {
      ok: false,
      ...first,
      count: Math.min(this.soundBefore, count),
      checked,
      breaks: [...this.list],
      breakCount: this.total,
    };
  }
}

/** The entry as it is hashed and stored: every text well-formed and within its column, the payload too. */
function storable(input: AuditAppend): AuditAppend {
  return {
    ...input,
    idempotencyKey: storableText(input.idempotencyKey, 255),
    rolloutId: storableText(input.rolloutId, 128),
    actor: storableText(input.actor, 255),
    action: storableText(input.action, 128),
    target: storableText(input.target, 255),
    payload: storableJson(JSON.parse(canonicalJson(input.payload ?? {}))) as Record<string, unknown>,
    ...(input.outcome && { outcome: storableText(input.outcome, 32) as AuditOutcome }),
  };
}

/**
 * Appends one entry at the chain's end; the caller holds the chain's lock (`lockHead`) in `tx`. The entry and
 * the head that points at it are written together, when `tx` commits.
 */
async function appendLocked(tx: EntityManager, input: AuditAppend, at: Date): Promise<AuditEntry> {
  const head = await tx.findOne(AuditChainHead, { id: AUDIT_CHAIN_HEAD_ID });
  if (!head) throw new Error('audit_chain_head has no row: the audit chain migration has not run');
  const fields = {
    seq: head.seq + 1,
    idempotencyKey: input.idempotencyKey,
    rolloutId: input.rolloutId,
    actor: input.actor,
    action: input.action,
    target: input.target,
    // Hashed and stored as it will read back: plain JSON.
    payload: JSON.parse(canonicalJson(input.payload ?? {})) as Record<string, unknown>,
    outcome: input.outcome ?? 'ok',
    at,
    prevHash: head.hash,
  };
  const entry = tx.create(AuditEntry, { ...fields, hash: auditHash(fields) });
  head.seq = entry.seq;
  head.hash = entry.hash;
  return entry;
}

/** Driver error codes for the same, as raw statements (`lockHead`) report them unconverted. */
const CONTENTION_CODES = new Set([
  'SQLITE_BUSY', // SQLite: the busy timeout ran out
  '40001', // PostgreSQL: serialization failure
  '40P01', // PostgreSQL: deadlock detected
  '55P03', // PostgreSQL: lock not available (lock_timeout)
]);

/** Another writer held the chain for too long, or the database broke a deadlock: worth another try. */
function isContention(error: unknown): boolean {
  return (
    error instanceof LockWaitTimeoutException ||
    error instanceof DeadlockException ||
    // Only if something wrote around the lock: the retry reads the new head (or finds its own key).
    error instanceof UniqueConstraintViolationException ||
    CONTENTION_CODES.has(String((error as { code?: unknown } | null)?.code))
  );
}

/**
 * Takes the chain's lock for the rest of the transaction. The first statement is a write on the head
 * row: on PostgreSQL it holds that row's lock until commit (later appenders wait, then read the new head);
 * on SQLite it takes the database's write lock at once, before any read, so a second process waits (busy
 * timeout) instead of failing to upgrade a read lock.
 *
 * On SQLite the statement goes straight to the transaction's connection (`exec`), not through a prepared
 * statement: libsql leaves a prepared statement that failed with SQLITE_BUSY active, and every later
 * COMMIT on that connection then fails ("SQL statements in progress"). `exec` cleans up after itself.
 */
async function lockHead(tx: EntityManager): Promise<void> {
  await executeWrite(tx, `update audit_chain_head set seq = seq where id = ${AUDIT_CHAIN_HEAD_ID}`);
}

/** Runs one write statement on `tx`'s own connection (on SQLite by `exec`, see `lockHead`). */
async function executeWrite(tx: EntityManager, sql: string): Promise<void> {
  const ctx = tx.getTransactionContext<RawTransaction>();
  if (tx.getDriver() instanceof LibSqlDriver && ctx) {
    const connection = (await ctx.client.acquireConnection()) as { exec(sql: string): unknown };
    connection.exec(sql);
    return;
  }
  await tx.getConnection('write').execute(sql, [], 'run', ctx);
}

/** What a knex transaction offers: its client hands out the transaction's own connection. */
interface RawTransaction {
  client: { acquireConnection(): Promise<unknown> };
}

function checkEntry(
  entry: AuditEntry,
  seq: number,
  prevHash: string | null,
): { problem: AuditBreak; detail: string }[] {
  const found: { problem: AuditBreak; detail: string }[] = [];
  if (entry.seq !== seq) {
    found.push({
      problem: 'sequence gap',
      detail:
        entry.seq > seq
          ? `expected seq ${seq}, found ${entry.seq}: ${entry.seq - seq === 1 ? 'the entry' : `${entry.seq - seq} entries`} before it ${entry.seq - seq === 1 ? 'was' : 'were'} removed`
          : `expected seq ${seq}, found ${entry.seq}`,
    });
  } else if (entry.prevHash !== prevHash) {
    // (After a gap the link cannot hold either: the gap says why.)
    found.push({
      problem: 'prev link mismatch',
      detail: `prevHash ${short(entry.prevHash)} is not the previous entry's hash ${short(prevHash)}: the entry before it was rewritten`,
    });
  }
  let actual: string | undefined;
  try {
    actual = auditHash(entry);
  } catch (error) {
    found.push({ problem: 'hash mismatch', detail: `fields cannot be hashed: ${String(error)}` });
  }
  if (actual !== undefined && actual !== entry.hash) {
    found.push({
      problem: 'hash mismatch',
      detail: `stored ${short(entry.hash)}, fields hash to ${short(actual)}: its fields (or hash) were edited`,
    });
  }
  return found;
}

const short = (hash: string | null): string => (hash === null ? 'none' : hash.slice(0, 12));
