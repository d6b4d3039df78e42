import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The audit chain's head: one row (id 1) holding the last entry's position and hash. Appenders lock it
 * before they read it, so concurrent writers (API and worker) extend the chain one at a time, and
 * `verify` can tell when entries were removed from the end.
 */
@Entity({ tableName: 'audit_chain_head' })
export class AuditChainHead {
  @PrimaryKey({ autoincrement: false })
  id!: number;

  /** The last entry's `seq`; 0 while the log is empty. */
  @Property({ type: 'integer' })
  seq!: number;

  @Property({ type: 'string', length: 64, nullable: true })
  hash: string | null = null;

  /** The last pruned entry's `seq` (`audit prune`): the chain starts after it. 0 while nothing was pruned. */
  @Property({ type: 'integer' })
  prunedSeq: number = 0;

  /** The last pruned entry's hash, which the first kept entry links to; null while nothing was pruned. */
  @Property({ type: 'string', length: 64, nullable: true })
  prunedHash: string | null = null;
}
