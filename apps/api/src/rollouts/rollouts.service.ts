import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  Client,
  type WorkflowHandle,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
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
import { API_CONFIG, type ApiConfig } from '../api.config';
import { graphQLError } from '../common/graphql-errors';
import type { Rollout } from './models/rollout.model';
import { toGraphQLError } from './rollouts.errors';
import { toRolloutModel } from './rollouts.mapper';

const newRolloutId = (): string => randomBytes(5).toString('hex');

/** Keeps a rollout's history well inside Temporal's limits until plans bring their own bounds. */
const MAX_CHECKLIST_ITEMS = 1000;

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
    @Inject(API_CONFIG) private readonly api: ApiConfig,
  ) {}

  async start(plan: RolloutPlanSpec, actor: string, id: string = newRolloutId()): Promise<Rollout> {
    const items = plan.phases.reduce((n, p) => n + p.checklist.length, 0);
    if (items > MAX_CHECKLIST_ITEMS) {
      throw graphQLError(
        'BAD_USER_INPUT',
        `A rollout may have at most ${MAX_CHECKLIST_ITEMS} checklist items (got ${items})`,
      );
    }
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

  get(rolloutId: string): Promise<Rollout> {
    return this.call(rolloutId, (handle) => handle.query(getRolloutStateQuery));
  }

  completeChecklistItem(rolloutId: string, itemId: string, actor: string, note?: string): Promise<Rollout> {
    return this.call(rolloutId, (handle) =>
      handle.executeUpdate(completeChecklistItemUpdate, { args: [{ itemId, actor, note }] }),
    );
  }

  /**
   * Talks to a rollout's workflow within the action deadline (an Update waits for a worker, and must not
   * hold an HTTP request forever), and turns failures into typed GraphQL errors.
   */
  private async call(
    rolloutId: string,
    fn: (handle: WorkflowHandle) => Promise<RolloutState>,
  ): Promise<Rollout> {
    const handle = this.client.workflow.getHandle(rolloutWorkflowId(rolloutId));
    try {
      const deadline = Date.now() + this.api.actionTimeoutMs;
      return this.toModel(await this.client.connection.withDeadline(deadline, () => fn(handle)));
    } catch (err) {
      throw await this.explain(err, handle, rolloutId);
    }
  }

  /** A closed workflow looks "not found" to an Update; tell the caller the rollout has ended instead. */
  private async explain(err: unknown, handle: WorkflowHandle, rolloutId: string): Promise<unknown> {
    if (err instanceof WorkflowNotFoundError) {
      const status = await handle.describe().then(
        (d) => d.status.name,
        () => undefined,
      );
      if (status && status !== 'RUNNING') {
        const message = `Rollout ${rolloutId} has ended (${status}); it takes no more actions`;
        return graphQLError('CONFLICT', message, { rolloutId });
      }
    }
    return toGraphQLError(err, rolloutId);
  }

  private toModel(state: RolloutState): Rollout {
    const workflowId = rolloutWorkflowId(state.rolloutId);
    return toRolloutModel(state, workflowId, workflowUiUrl(this.config, workflowId));
  }
}
