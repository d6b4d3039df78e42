import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { FlagValue as PlanFlagValue } from '../../../plan/src/model';

/** Values by flag key; `null` = the flag has no row in the segment. */
export type FlagValues = Record<string, PlanFlagValue | null>;

/**
 * One change to the flag store, with the values it replaced. Keyed by the activity that made it, so a
 * retried change returns what the first attempt replaced instead of the values that attempt wrote.
 */
@Entity({ tableName: 'flag_change' })
@Index({ properties: ['rolloutId', 'id'] })
export class FlagChange {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ length: 255, unique: true })
  idempotencyKey!: string;

  @Property({ type: 'string', length: 128, nullable: true })
  rolloutId: string | null = null;

  @Property({ length: 128 })
  segment!: string;

  /** What the change wrote. */
  @Property({ type: 'json' })
  changes!: FlagValues;

  /** What it replaced: the compensation of this change. */
  @Property({ type: 'json' })
  previous!: FlagValues;

  @Property({ length: 255 })
  actor!: string;

  @Property({ type: 'datetime' })
  at: Date = new Date();
}
