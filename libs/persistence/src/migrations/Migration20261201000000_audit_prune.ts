import { Migration } from '@mikro-orm/migrations';

/**
 * Where the audit chain starts once old entries have been pruned: the last pruned position and its hash,
 * which the first kept entry links to. 0 and null: nothing pruned, the chain starts at seq 1.
 */
export class Migration20261201000000_audit_prune extends Migration {
  override up(): void {
    // One addSql per statement (the SQLite driver runs only the first statement of a string).
    this.addSql('alter table audit_chain_head add column pruned_seq integer not null default 0');
    this.addSql('alter table audit_chain_head add column pruned_hash varchar(64) null');
  }

  override down(): void {
    this.addSql('alter table audit_chain_head drop column pruned_hash');
    this.addSql('alter table audit_chain_head drop column pruned_seq');
  }
}
