import { Module } from '@nestjs/common';
import { PlansResolver } from './plans.resolver';
import { PlansService } from './plans.service';

/** Plans: import, validation and immutable versions. */
@Module({ providers: [PlansResolver, PlansService], exports: [PlansService] })
export class PlansModule {}
