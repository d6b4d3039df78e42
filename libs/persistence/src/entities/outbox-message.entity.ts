import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * `pending` until delivered (`sent`), refused by the receiver (`failed`), or kept without delivery because
 * the channel has no webhook (`recorded`).
 */
export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'recorded';

/** Every notification the engine sends, written before the webhook call so none goes out unrecorded. */
@Entity({ tableName: 'outbox_message' })
@Index({ properties: ['rolloutId', 'id'] })
export class OutboxMessage {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  /** Chosen by the workflow; also sent as the `Idempotency-Key` header so receivers can deduplicate. */
  @Property({ length: 255, unique: true })
  idempotencyKey!: string;

  @Property({ length: 128 })
  rolloutId!: string;

  @Property({ length: 128 })
  channel!: string;

  @Property({ type: 'string', length: 255, nullable: true })
  audience: string | null = null;

  @Property({ type: 'text' })
  message!: string;

  /** What the notice tells (its CloudEvents type's last part); null for rows written before. */
  @Property({ type: 'string', length: 64, nullable: true })
  kind: string | null = null;

  /** What it is about beyond its text (phase, item, step …), JSON of strings; null when nothing. */
  @Property({ type: 'text', nullable: true })
  details: string | null = null;

  @Property({ type: 'string', length: 16 })
  status: OutboxStatus = 'pending';

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  sentAt: Date | null = null;
}
