import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type RequestActor, Roles } from '../auth/auth.decorators';
import { graphQLError } from '../common/graphql-errors';
import { pageCost, temporalReadCost } from '../common/query-limits';
import { ID_PATTERN } from './dto/ids';
import {
  AbortRolloutInput,
  ChecklistItemActionInput,
  CompleteChecklistItemInput,
  CompleteReviewInput,
  ConfirmRollbackStepInput,
  RecordCheckResultInput,
  PauseRolloutInput,
  ResolveRollbackStepInput,
  RetryRollbackStepInput,
  RolloutFilterInput,
  RolloutRefInput,
  SignOffGateInput,
  SkipChecklistItemInput,
  TriggerRollbackInput,
} from './dto/rollout-actions.input';
import { StartRolloutInput } from './dto/start-rollout.input';
import { Rollout, RolloutConnection } from './models/rollout.model';
import type { ApiMetricSource } from './metrics-parameters';
import { RolloutCommandsService } from './rollout-commands.service';
import { RolloutReadsService } from './rollout-reads.service';

/**
 * Rollouts of plan versions: each one a planRolloutWorkflow; every action a workflow Update, whose validators
 * decide who may do what (ROLE_POLICY, the plan's roles); the guard gates only starts and automation.
 */
@Resolver(() => Rollout)
export class RolloutsResolver {
  constructor(
    private readonly reads: RolloutReadsService,
    private readonly service: RolloutCommandsService,
  ) {}

  @Query(() => Rollout, {
    complexity: temporalReadCost,
    description: 'A rollout, read live from its workflow and its current phase.',
  })
  rollout(@Args('id', { type: () => ID }) id: string): Promise<Rollout> {
    if (!ID_PATTERN.test(id)) throw graphQLError('NOT_FOUND', `Rollout ${id.slice(0, 80)} does not exist`);
    return this.reads.get(id);
  }

  @Query(() => RolloutConnection, {
    complexity: pageCost,
    description: 'Rollouts, newest first, from the projection (no workflow is asked).',
  })
  rollouts(
    @Args('filter', { type: () => RolloutFilterInput, nullable: true }) filter?: RolloutFilterInput,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<RolloutConnection> {
    return this.reads.list(filter ?? {}, first ?? 20, after);
  }

  @Mutation(() => Rollout, {
    description: 'Starts a rollout of a plan version: one durable workflow, rollout-<id>. Release managers.',
  })
  @Roles('startRoles')
  startRollout(
    @Args('input') input: StartRolloutInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    const { planVersionId, id, title, parameters } = input;
    return this.service.start(
      {
        planVersionId,
        id,
        title,
        timeScale: parameters?.timeScale,
        metrics: parameters?.metrics && {
          source:
            parameters.metrics.source === undefined
              ? undefined
              : (parameters.metrics.source.toLowerCase() as ApiMetricSource),
          cadence: parameters.metrics.cadence,
          cadenceSeconds: parameters.metrics.cadenceSeconds,
        },
      },
      actor.id,
    );
  }

  @Mutation(() => Rollout, { description: 'Completes a checklist item of the current phase.' })
  completeChecklistItem(
    @Args('input') input: CompleteChecklistItemInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    const { rolloutId, itemId, phaseId, note, evidence } = input;
    const action = { type: 'complete' as const, itemId, actor, note, evidence };
    return this.service.itemAction(rolloutId, action, phaseId);
  }

  @Mutation(() => Rollout, { description: 'Approves an approval item whose work is done (by someone else).' })
  approveChecklistItem(
    @Args('input') input: ChecklistItemActionInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    const { rolloutId, itemId, phaseId, note } = input;
    return this.service.itemAction(rolloutId, { type: 'approve', itemId, actor, note }, phaseId);
  }

  @Mutation(() => Rollout, { description: 'Reopens a checklist item of the current phase.' })
  reopenChecklistItem(
    @Args('input') input: ChecklistItemActionInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    const { rolloutId, itemId, phaseId, note } = input;
    return this.service.itemAction(rolloutId, { type: 'reopen', itemId, actor, note }, phaseId);
  }

  @Mutation(() => Rollout, { description: 'Skips a checklist item, with a justification (skip roles only).' })
  skipChecklistItem(
    @Args('input') input: SkipChecklistItemInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    const { rolloutId, itemId, phaseId, justification } = input;
    const action = { type: 'skip' as const, itemId, actor, justification };
    return this.service.itemAction(rolloutId, action, phaseId);
  }

  @Mutation(() => Rollout, {
    description:
      'Reports a check of a sustained condition of the current phase (healthy or not; a failure restarts its clock). Operators.',
  })
  @Roles('automationRoles')
  recordCheckResult(
    @Args('input') input: RecordCheckResultInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    const { rolloutId, itemId, phaseId, healthy, note } = input;
    return this.service.recordCheck(rolloutId, { itemId, phaseId, healthy, note }, actor);
  }

  @Mutation(() => Rollout, { description: "Signs the current phase's gate." })
  signOffGate(@Args('input') input: SignOffGateInput, @CurrentActor() actor: RequestActor): Promise<Rollout> {
    return this.service.signOff(input.rolloutId, input.phaseId, actor, input.note);
  }

  @Mutation(() => Rollout, { description: 'Pauses a rollout: no phase is entered or left until it resumes.' })
  pauseRollout(
    @Args('input') input: PauseRolloutInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    return this.service.pause(input.rolloutId, actor, input.reason);
  }

  @Mutation(() => Rollout, { description: 'Resumes a paused rollout.' })
  resumeRollout(
    @Args('input') input: RolloutRefInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    return this.service.resume(input.rolloutId, actor);
  }

  @Mutation(() => Rollout, { description: 'Rolls the rollout back (compensations, then the level’s steps).' })
  triggerRollback(
    @Args('input') input: TriggerRollbackInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    return this.service.rollback(input.rolloutId, actor, input.reason, input.level);
  }

  @Mutation(() => Rollout, { description: 'Completes a post-launch review.' })
  completeReview(
    @Args('input') input: CompleteReviewInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    return this.service.completeReview(input.rolloutId, actor, input.reviewId, input.note);
  }

  @Mutation(() => Rollout, { description: 'Aborts a rollout.' })
  abortRollout(
    @Args('input') input: AbortRolloutInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    return this.service.abort(input.rolloutId, actor, input.reason);
  }

  @Mutation(() => Rollout, { description: 'Confirms a manual rollback step was done.' })
  confirmRollbackStep(
    @Args('input') input: ConfirmRollbackStepInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    return this.service.confirmRollbackStep(input.rolloutId, actor, input.stepId);
  }

  @Mutation(() => Rollout, {
    description:
      'Runs a failed rollback step again (e.g. once its hook is configured); the rollback then goes on. Operators.',
  })
  retryRollbackStep(
    @Args('input') input: RetryRollbackStepInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    return this.service.retryRollbackStep(input.rolloutId, actor, input.stepId);
  }

  @Mutation(() => Rollout, {
    description:
      'Records that a person did a failed rollback step by hand (RESOLVED, with a note and evidence); the rollback then goes on. Operators.',
  })
  resolveRollbackStep(
    @Args('input') input: ResolveRollbackStepInput,
    @CurrentActor() actor: RequestActor,
  ): Promise<Rollout> {
    const { rolloutId, stepId, note, evidence } = input;
    return this.service.resolveRollbackStep(rolloutId, actor, stepId, note, evidence);
  }
}
