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

  // What the API knows at start and the workflow does not write (see RolloutStartFacts): null for rollouts
  // started before these columns, or not through the API.

  /** Who started the rollout. */
  @Property({ type: 'string', length: 255, nullable: true })
  startedBy: string | null = null;

  /** The rollout's own title, given at start (`title` is the plan's). */
  @Property({ type: 'string', length: 255, nullable: true })
  rolloutTitle: string | null = null;

  /** The plan version it runs (<name>@<version>). */
  @Property({ type: 'string', length: 255, nullable: true })
  planVersionId: string | null = null;

  /** The plan's phase ids in order, as JSON: the current phase's place (n of N) is read from it. */
  @Property({ type: 'text', nullable: true })
  phaseIds: string | null = null;
}
