import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module';
import { RolloutCommandsService } from './rollout-commands.service';
import { RolloutMessagesResolver } from './rollout-messages.resolver';
import { RolloutReadsService } from './rollout-reads.service';
import { RolloutStartFacts } from './rollout-start-facts';
import { RolloutsResolver } from './rollouts.resolver';
import { CALLER_RESOLVERS } from './caller/caller.resolver';
import { WaitingOnMeResolver } from './caller/waiting-on-me.resolver';
import { WaitingOnMeService } from './caller/waiting-on-me.service';

/** Rollouts: started from plan versions, driven through the plan engine's Updates, read live or listed. */
@Module({
  imports: [PlansModule],
  providers: [
    RolloutsResolver,
    RolloutMessagesResolver,
    RolloutReadsService,
    RolloutCommandsService,
    RolloutStartFacts,
    ...CALLER_RESOLVERS,
    WaitingOnMeResolver,
    WaitingOnMeService,
  ],
  exports: [RolloutReadsService, RolloutCommandsService],
})
export class RolloutsModule {}
