import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A guardrail's latest standing as a metric watcher last evaluated it (source `prometheus`), for display:
 * written by the watcher activity every reading round, read by the API. Never the truth a decision rests on
 * (the watcher and the phase workflow decide); one row per (rollout, phase, guardrail), replaced each round.
 */
@Entity({ tableName: 'guardrail_reading' })
@Index({ properties: ['rolloutId'] })
export class GuardrailReadingRow {
  /** `<rolloutId>/<phaseId>/<guardrailId>`. */
  @PrimaryKey({ length: 400 })
  id!: string;

  @Property({ length: 128 })
  rolloutId!: string;

  @Property({ length: 128 })
  phaseId!: string;

  @Property({ length: 128 })
  guardrailId!: string;

  @Property({ length: 255 })
  metric!: string;

  /** ok, breach, inconclusive or no_data. */
  @Property({ length: 32 })
  outcome!: string;

  @Property({ type: 'double', nullable: true })
  value: number | null = null;

  /** The reason people read ("error_rate > 5% for 5 minutes: 3 readings …, all above"). */
  @Property({ type: 'text' })
  reason!: string;

  /** The latest reading ({ metric, value, at, unit?, cause?, detail? }), if any. */
  @Property({ type: 'json', nullable: true })
  latest: Record<string, unknown> | null = null;

  /** How many readings decided the outcome. */
  @Property({ type: 'integer' })
  readings!: number;

  /** The no-data state ({ cause, detail, policy }) while the metric has none. */
  @Property({ type: 'json', nullable: true })
  noData: Record<string, unknown> | null = null;

  @Property({ type: 'datetime' })
  updatedAt!: Date;
}
