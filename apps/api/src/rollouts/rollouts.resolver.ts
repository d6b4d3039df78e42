import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Request } from 'express';
import { actorOf } from '../common/actor';
import { graphQLError } from '../common/graphql-errors';
import { CompleteChecklistItemInput } from './dto/complete-checklist-item.input';
import { ID_PATTERN } from './dto/ids';
import { StartRolloutInput } from './dto/start-rollout.input';
import { Rollout } from './models/rollout.model';
import { RolloutsService } from './rollouts.service';

@Resolver(() => Rollout)
export class RolloutsResolver {
  constructor(private readonly rollouts: RolloutsService) {}

  @Query(() => Rollout, { description: 'A rollout, read live from its workflow.' })
  rollout(@Args('id', { type: () => ID }) id: string): Promise<Rollout> {
    if (!ID_PATTERN.test(id)) throw graphQLError('NOT_FOUND', `Rollout ${id.slice(0, 80)} does not exist`);
    return this.rollouts.get(id);
  }

  @Mutation(() => Rollout, { description: 'Starts a rollout: one durable workflow, rollout-<id>.' })
  startRollout(@Args('input') input: StartRolloutInput, @Context('req') req?: Request): Promise<Rollout> {
    const { id, plan, title, phases } = input;
    return this.rollouts.start({ name: plan, title, phases }, actorOf(req), id);
  }

  @Mutation(() => Rollout, {
    description: 'Completes a checklist item of the current phase (a workflow Update).',
  })
  completeChecklistItem(
    @Args('input') input: CompleteChecklistItemInput,
    @Context('req') req?: Request,
  ): Promise<Rollout> {
    return this.rollouts.completeChecklistItem(input.rolloutId, input.itemId, actorOf(req), input.note);
  }
}
