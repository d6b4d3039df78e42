import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type RequestActor } from '../../auth/auth.decorators';
import { waitingOnMeCost } from '../../common/query-limits';
import { WaitingAction, WaitingKind, WaitingOnMe } from './waiting.model';
import { WaitingOnMeService } from './waiting-on-me.service';

@Resolver(() => WaitingOnMe)
export class WaitingOnMeResolver {
  constructor(private readonly waiting: WaitingOnMeService) {}

  @Query(() => WaitingOnMe, {
    complexity: waitingOnMeCost,
    description:
      'What the signed-in user may act on now across live rollouts: items to complete, work to approve, gates to sign, rollback steps to retry, resolve or confirm — by the rules the engine applies. Reads at most 25 live rollouts (the most recently changed; `truncated` says when there are more), each live from its workflows.',
  })
  async waitingOnMe(
    @CurrentActor() actor: RequestActor,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first?: number,
    @Args('plan', { nullable: true, description: "Only this plan's rollouts." }) plan?: string,
  ): Promise<WaitingOnMe> {
    const page = await this.waiting.list(actor, first ?? 20, plan);
    return {
      ...page,
      entries: page.entries.map((e) => ({
        ...e,
        kind: WaitingKind[e.kind],
        actions: e.actions.map((a) => WaitingAction[a as keyof typeof WaitingAction]),
        since: e.since === undefined ? undefined : new Date(e.since),
      })),
    };
  }
}
