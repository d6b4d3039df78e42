import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * One line of the append-only audit log: who did what to which rollout, and how it ended. Entries form a
 * hash chain (`seq`, `prevHash`, `hash`): write them only through `AuditLogService.append`.
 */
@Entity({ tableName: 'audit_entry' })
@Index({ properties: ['rolloutId', 'id'] })
export class AuditEntry {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  /** Position in the chain, from 1, without gaps. */
  @Property({ type: 'integer' })
  @Unique()
  seq!: number;

  /** Makes activity retries harmless: one key per scheduled activity, written at most once. */
  @Property({ length: 255, unique: true })
  idempotencyKey!: string;

  @Property({ length: 128 })
  rolloutId!: string;

  @Property({ length: 255 })
  actor!: string;

  @Property({ length: 128 })
  action!: string;

  @Property({ length: 255 })
  target!: string;

  @Property({ type: 'json' })
  payload: Record<string, unknown> = {};

  /** accepted | refused (a person's action) | ok (the engine's own step). */
  @Property({ length: 32 })
  outcome: string = 'accepted';

  @Property({ type: 'datetime' })
  at: Date = new Date();

  /** The previous entry's hash; null for the first entry. */
  @Property({ type: 'string', length: 64, nullable: true })
  prevHash: string | null = null;

  /** SHA-256 (hex) over this entry's fields and `prevHash` (see audit-chain.ts). */
  @Property({ length: 64 })
  hash!: string;
}
