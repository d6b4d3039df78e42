import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { FlagValue as PlanFlagValue } from '../../../plan/src/model';
import { ALL_SEGMENTS } from '../flag-segments';

/** The flag store: one value per flag and segment (`*` = everyone). Applications read this table. */
@Entity({ tableName: 'flag_value' })
@Unique({ properties: ['key', 'segment'] })
export class FlagValue {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ length: 255 })
  key!: string;

  @Property({ length: 128 })
  segment: string = ALL_SEGMENTS;

  /** Stored as JSON so a boolean, a number and a string keep their type for readers. */
  @Property({ type: 'json' })
  value!: PlanFlagValue;

  @Property({ length: 255 })
  updatedBy!: string;

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();

  /** The rollout that last set it; null when set outside a rollout. */
  @Property({ type: 'string', length: 128, nullable: true })
  rolloutId: string | null = null;
}
