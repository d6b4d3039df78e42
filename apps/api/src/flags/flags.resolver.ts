import { Args, Query, Resolver } from '@nestjs/graphql';
import { Flag } from './models/flag.model';
import { FlagsService } from './flags.service';

@Resolver(() => Flag)
export class FlagsResolver {
  constructor(private readonly service: FlagsService) {}

  @Query(() => [Flag], { description: 'Current flag values, for an environment (segment) or everyone.' })
  async flags(@Args('environment', { nullable: true }) environment?: string): Promise<Flag[]> {
    return (await this.service.effective(environment)).map((f) => ({
      key: f.key,
      value: JSON.stringify(f.value),
      environment: f.segment,
      updatedBy: f.updatedBy,
      updatedAt: f.updatedAt,
      rolloutId: f.rolloutId ?? undefined,
    }));
  }
}
