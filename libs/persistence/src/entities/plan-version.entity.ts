import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * One imported version of a plan. Immutable: a changed document makes a new row with the next `version`;
 * rollouts start from a version, so what they run never changes under them.
 */
@Entity({ tableName: 'plan_version' })
@Unique({ properties: ['name', 'version'] })
@Index({ properties: ['digest'] })
export class PlanVersion {
  /** `<name>@<version>`: readable, stable, and what `startRollout` takes. */
  @PrimaryKey({ length: 160 })
  id!: string;

  @Property({ length: 128 })
  name!: string;

  @Property({ type: 'integer' })
  version!: number;

  /** markdown | yaml | json: how the source was written. */
  @Property({ length: 16 })
  format!: string;

  /** The document as imported. */
  @Property({ type: 'text' })
  source!: string;

  /** The validated RolloutPlan. */
  @Property({ type: 'json' })
  plan!: Record<string, unknown>;

  /** SHA-256 of the plan (its canonical JSON): the same plan imported again is the same version. */
  @Property({ length: 64 })
  digest!: string;

  /** The import report (Markdown: what was mapped, inferred, left out). */
  @Property({ type: 'json', nullable: true })
  report: Record<string, unknown> | null = null;

  /** What changed since the previous version, one line each. */
  @Property({ type: 'json' })
  changes: string[] = [];

  @Property({ length: 255 })
  createdBy!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
