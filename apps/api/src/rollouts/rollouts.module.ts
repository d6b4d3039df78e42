import { Module } from '@nestjs/common';
import { RolloutsResolver } from './rollouts.resolver';
import { RolloutsService } from './rollouts.service';

@Module({ providers: [RolloutsResolver, RolloutsService] })
export class RolloutsModule {}
