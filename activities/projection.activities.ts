import { Injectable } from '@nestjs/common';
import { MikroORM, type QueryResult } from '@mikro-orm/core';
// Both drivers (libsql, postgresql) are built on @mikro-orm/knex; its query builder does the conditional upsert.
import type { SqlEntityManager } from '@mikro-orm/knex';
import { RolloutProjection } from '../libs/persistence/src/entities/rollout-projection.entity';

/** A rollout's row as the workflow sees it at one transition. Times are ISO 8601 (workflow time). */
export interface ProjectionUpdate {
  rolloutId: string;
  workflowId: string;
  plan: string;
  planVersion?: number | null;
  title?: string | null;
  status: string;
  currentPhase?: string | null;
  startedAt: string;
  updatedAt: string;
  completedAt?: string | null;
  /** Grows with every update the workflow sends (carried across continue-as-new). */
  version: number;
}

/** The projection's columns the workflow writes. */
const WORKFLOW_COLUMNS = [
  'workflowId',
  'plan',
  'planVersion',
  'title',
  'status',
  'currentPhase',
  'startedAt',
  'updatedAt',
  'completedAt',
  'version',
] as const satisfies readonly (keyof RolloutProjection)[];

@Injectable()
export class ProjectionActivities {
  constructor(private readonly orm: MikroORM) {}

  /**
   * Inserts or replaces the rollout's row, unless the row already holds this or a later version: a retried
   * or late update never moves the row backwards. One statement, so concurrent updates cannot interleave.
   */
  async updateProjection(update: ProjectionUpdate): Promise<{ applied: boolean }> {
    const row = {
      rolloutId: update.rolloutId,
      workflowId: update.workflowId,
      plan: update.plan,
      planVersion: update.planVersion ?? null,
      title: update.title ?? null,
      status: update.status,
      currentPhase: update.currentPhase ?? null,
      startedAt: new Date(update.startedAt),
      updatedAt: new Date(update.updatedAt),
      completedAt: update.completedAt ? new Date(update.completedAt) : null,
      version: update.version,
    };
    const result = await (this.orm.em.fork() as SqlEntityManager)
      .createQueryBuilder(RolloutProjection)
      .insert(row)
      .onConflict('rolloutId')
      // Only what the workflow knows: the API's own columns (who started it, its title, its plan version's id and
      // phases, RolloutStartFacts) stay as the API wrote them; a plan version only when sent.
      .merge(WORKFLOW_COLUMNS.filter((c) => c !== 'planVersion' || update.planVersion != null))
      .where({ version: { $lt: update.version } })
      .execute<QueryResult<RolloutProjection>>('run');
    return { applied: result.affectedRows > 0 };
  }
}
