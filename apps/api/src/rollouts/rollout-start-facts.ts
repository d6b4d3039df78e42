import { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { Injectable, Logger } from '@nestjs/common';
import { RolloutProjection } from '../../../../libs/persistence/src';
import type { RolloutPlan } from '../../../../libs/plan/src';

/** What the API knows of a rollout at its start that its workflow does not write to the projection. */
export interface StartFacts {
  rolloutId: string;
  workflowId: string;
  plan: RolloutPlan;
  planVersionId: string;
  planVersion: number;
  startedBy: string;
  title?: string;
}

/** The API's own columns of the projection row (the workflow's upsert leaves them alone). */
const API_COLUMNS = [
  'startedBy',
  'rolloutTitle',
  'planVersionId',
  'planVersion',
  'phaseIds',
] as const satisfies readonly (keyof RolloutProjection)[];

/**
 * Writes who started a rollout, its title, plan version and phases to its projection row, once its workflow has
 * started: inserted (as PENDING, version 0, which any write of the workflow's supersedes) when the workflow has
 * not written the row yet, else only these columns. Either order leaves the same row.
 */
@Injectable()
export class RolloutStartFacts {
  private readonly logger = new Logger(RolloutStartFacts.name);

  constructor(private readonly em: EntityManager) {}

  async record(facts: StartFacts): Promise<void> {
    const now = new Date();
    const row = {
      rolloutId: facts.rolloutId,
      workflowId: facts.workflowId,
      plan: facts.plan.metadata.name,
      planVersion: facts.planVersion,
      title: facts.plan.metadata.title ?? null,
      status: 'PENDING',
      startedAt: now,
      updatedAt: now,
      version: 0,
      startedBy: facts.startedBy,
      rolloutTitle: facts.title ?? null,
      planVersionId: facts.planVersionId,
      phaseIds: JSON.stringify(facts.plan.phases.map((p) => p.id)),
    };
    try {
      await (this.em.fork() as SqlEntityManager)
        .createQueryBuilder(RolloutProjection)
        .insert(row)
        .onConflict('rolloutId')
        .merge([...API_COLUMNS])
        .execute('run');
    } catch (err) {
      // The list then lacks these facts for this rollout; the rollout itself is unaffected.
      this.logger.warn(`Could not record the start of rollout ${facts.rolloutId}: ${(err as Error).message}`);
    }
  }
}
