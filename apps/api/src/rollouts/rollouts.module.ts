import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module';
import { RolloutCommandsService } from './rollout-commands.service';
import { RolloutMessagesResolver } from './rollout-messages.resolver';
import { RolloutReadsService } from './rollout-reads.service';
import { RolloutsResolver } from './rollouts.resolver';

/** Rollouts: started from plan versions, driven through the plan engine's Updates, read live or listed. */
@Module({
  imports: [PlansModule],
  providers: [RolloutsResolver, RolloutMessagesResolver, RolloutReadsService, RolloutCommandsService],
  exports: [RolloutReadsService, RolloutCommandsService],
})
export class RolloutsModule {}
