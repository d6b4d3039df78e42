import { Migration } from '@mikro-orm/migrations';
import { auditHash } from '../audit-chain';

interface LegacyRow {
  id: number;
  idempotency_key: string;
  rollout_id: string;
  actor: string;
  action: string;
  target: string;
  payload: unknown;
  outcome: string;
  at: unknown;
}

/**
 * Chains the audit log: each entry gets its position (`seq`), the previous entry's hash and its own, and
 * one `audit_chain_head` row holds the last position and hash (appenders lock it). Entries written before
 * this migration are chained here, in id order.
 *
 * Statements run one by one through `execute` (the SQLite driver runs only the first statement of a
 * string), in this migration's transaction, because the existing rows are read back and hashed in between.
 */
export class Migration20261123000000_audit_chain extends Migration {
  override async up(): Promise<void> {
    await this.execute('alter table audit_entry add column seq integer not null default 0');
    await this.execute('alter table audit_entry add column prev_hash varchar(64) null');
    await this.execute("alter table audit_entry add column hash varchar(64) not null default ''");
    await this.execute(
      'create table audit_chain_head (id integer not null primary key, seq integer not null, hash varchar(64) null)',
    );

    const rows = (await this.execute(
      'select id, idempotency_key, rollout_id, actor, action, target, payload, outcome, at from audit_entry order by id',
    )) as LegacyRow[];
    let prevHash: string | null = null;
    let seq = 0;
    for (const row of rows) {
      seq += 1;
      const hash = auditHash({
        seq,
        idempotencyKey: row.idempotency_key,
        rolloutId: row.rollout_id,
        actor: row.actor,
        action: row.action,
        target: row.target,
        payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
        outcome: row.outcome,
        at: toDate(row.at),
        prevHash,
      });
      await this.execute('update audit_entry set seq = ?, prev_hash = ?, hash = ? where id = ?', [
        seq,
        prevHash,
        hash,
        row.id,
      ]);
      prevHash = hash;
    }
    await this.execute('insert into audit_chain_head (id, seq, hash) values (1, ?, ?)', [seq, prevHash]);
    await this.execute('create unique index audit_entry_seq_unique on audit_entry (seq)');
  }

  override down(): void {
    this.addSql('drop table audit_chain_head');
    this.addSql('drop index audit_entry_seq_unique');
    this.addSql('alter table audit_entry drop column hash');
    this.addSql('alter table audit_entry drop column prev_hash');
    this.addSql('alter table audit_entry drop column seq');
  }
}

/** A datetime as the drivers return it: a Date (PostgreSQL), milliseconds since the epoch (SQLite). */
function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string' && /^\d+$/.test(value)) return new Date(Number(value));
  return new Date(String(value));
}
