import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A rollout as lists show it, so they never fan out into workflow queries. The workflow is the truth;
 * this row follows it, and `version` (the workflow's own sequence) keeps a late update from undoing a newer one.
 */
@Entity({ tableName: 'rollout_projection' })
@Index({ properties: ['status'] })
export class RolloutProjection {
  @PrimaryKey({ length: 128 })
  rolloutId!: string;

  @Property({ length: 255 })
  workflowId!: string;

  /** The plan's name. */
  @Property({ length: 128 })
  plan!: string;

  @Property({ type: 'integer', nullable: true })
  planVersion: number | null = null;

  @Property({ type: 'string', length: 255, nullable: true })
  title: string | null = null;

  @Property({ length: 32 })
  status!: string;

  @Property({ type: 'string', length: 128, nullable: true })
  currentPhase: string | null = null;

  @Property({ type: 'datetime' })
  startedAt!: Date;

  @Property({ type: 'datetime' })
  updatedAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  completedAt: Date | null = null;

  @Property({ type: 'integer' })
  version!: number;
}
