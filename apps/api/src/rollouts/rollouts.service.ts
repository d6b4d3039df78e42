import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowIdReusePolicy } from '@temporalio/client';
import {
  TEMPORAL_CLIENT,
  TEMPORAL_CONFIG,
  type TemporalConfig,
  workflowUiUrl,
} from '../../../../libs/temporal/src';
import {
  completeChecklistItemUpdate,
  getRolloutStateQuery,
  rolloutWorkflowId,
  type RolloutInput,
  type RolloutPlanSpec,
  type RolloutState,
} from '../../../../workflows/messages';
import { initialState } from '../../../../workflows/rollout-state';
import { graphQLError } from '../common/graphql-errors';
import type { Rollout } from './models/rollout.model';
import { toGraphQLError } from './rollouts.errors';
import { toRolloutModel } from './rollouts.mapper';

const newRolloutId = (): string => randomBytes(5).toString('hex');

function duplicateIds(plan: RolloutPlanSpec): string[] {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  const ids = [
    ...plan.phases.map((p) => `phase ${p.id}`),
    ...plan.phases.flatMap((p) => p.checklist.map((i) => `item ${i.id}`)),
  ];
  for (const id of ids) (seen.has(id) ? dupes : seen).add(id);
  return [...dupes];
}

@Injectable()
export class RolloutsService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(TEMPORAL_CONFIG) private readonly config: TemporalConfig,
  ) {}

  async start(plan: RolloutPlanSpec, actor: string, id: string = newRolloutId()): Promise<Rollout> {
    const dupes = duplicateIds(plan);
    if (dupes.length) throw graphQLError('BAD_USER_INPUT', `Duplicate ids in the plan: ${dupes.join(', ')}`);
    const input: RolloutInput = { rolloutId: id, plan, startedBy: actor };
    const workflowId = rolloutWorkflowId(id);
    try {
      await this.client.workflow.start('rolloutWorkflow', {
        workflowId,
        taskQueue: this.config.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        staticSummary: `Rollout ${id} of plan ${plan.name}`,
        staticDetails: plan.phases
          .map((p, i) => `${i + 1}. ${p.name} (${p.checklist.length} checklist items)`)
          .join('\n'),
      });
    } catch (err) {
      throw toGraphQLError(err, id);
    }
    // The workflow starts from the same pure state function; answering from it avoids waiting on a worker.
    return this.toModel(initialState(input, new Date()));
  }

  async get(rolloutId: string): Promise<Rollout> {
    try {
      const state = await this.client.workflow
        .getHandle(rolloutWorkflowId(rolloutId))
        .query(getRolloutStateQuery);
      return this.toModel(state);
    } catch (err) {
      throw toGraphQLError(err, rolloutId);
    }
  }

  async completeChecklistItem(
    rolloutId: string,
    itemId: string,
    actor: string,
    note?: string,
  ): Promise<Rollout> {
    try {
      const state = await this.client.workflow
        .getHandle(rolloutWorkflowId(rolloutId))
        .executeUpdate(completeChecklistItemUpdate, { args: [{ itemId, actor, note }] });
      return this.toModel(state);
    } catch (err) {
      throw toGraphQLError(err, rolloutId);
    }
  }

  private toModel(state: RolloutState): Rollout {
    const workflowId = rolloutWorkflowId(state.rolloutId);
    return toRolloutModel(state, workflowId, workflowUiUrl(this.config, workflowId));
  }
}
