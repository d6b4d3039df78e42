import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module';
import { RolloutsResolver } from './rollouts.resolver';
import { RolloutsService } from './rollouts.service';

/** Rollouts: started from plan versions, driven through the plan engine's Updates. */
@Module({
  imports: [PlansModule],
  providers: [RolloutsResolver, RolloutsService],
  exports: [RolloutsService],
})
export class RolloutsModule {}
