import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** One line of the append-only audit log: who did what to which rollout, and how it ended. */
@Entity({ tableName: 'audit_entry' })
@Index({ properties: ['rolloutId', 'id'] })
export class AuditEntry {
  @PrimaryKey({ autoincrement: true })
  id!: number;

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

  @Property({ length: 32 })
  outcome: string = 'accepted';

  @Property({ type: 'datetime' })
  at: Date = new Date();
}
