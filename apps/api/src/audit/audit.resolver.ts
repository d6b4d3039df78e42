import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { pageCost } from '../common/query-limits';
import { AuditService } from './audit.service';
import { AuditLogConnection } from './models/audit-entry.model';

@Resolver()
export class AuditResolver {
  constructor(private readonly service: AuditService) {}

  @Query(() => AuditLogConnection, {
    complexity: pageCost,
    description:
      'The audit log, newest first: every transition, accepted action and refusal; for one rollout or all. `npm run --silent cli -- audit verify` checks its hash chain.',
  })
  auditLog(
    @Args('rolloutId', { type: () => ID, nullable: true }) rolloutId?: string,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<AuditLogConnection> {
    return this.service.page(rolloutId, first ?? 50, after);
  }
}
