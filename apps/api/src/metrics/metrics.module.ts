import { EntityManager, raw } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { Global, Logger, Module } from '@nestjs/common';
import { ApiMetrics, type RolloutCount, reusedFor } from '../../../../libs/metrics/src';
import { RolloutProjection } from '../../../../libs/persistence/src';
import { GraphQLMetricsPlugin } from './graphql-metrics.plugin';
import { MetricsController } from './metrics.controller';

/** The projection grouped by plan and status: one indexed query, as many rows as plans × statuses. */
async function countRollouts(em: EntityManager): Promise<RolloutCount[]> {
  const rows = await (em.fork() as SqlEntityManager)
    .createQueryBuilder(RolloutProjection)
    .select(['plan', 'status', raw('count(*) as count')])
    .groupBy(['plan', 'status'])
    .execute<{ plan: string; status: string; count: number | string }[]>('all', false);
  return rows.map((r) => ({ plan: r.plan, status: r.status, count: Number(r.count) }));
}

/** Prometheus metrics out: GET /metrics, the GraphQL plugin; `httpMetrics` is applied in main.ts. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: ApiMetrics,
      inject: [EntityManager],
      useFactory: (em: EntityManager) => {
        const logger = new Logger('Metrics');
        return new ApiMetrics(
          // At most one query every 5 s, however often /metrics is asked (it needs no token).
          reusedFor(5_000, () => countRollouts(em)),
          (err) => logger.warn(`rollouts gauge not read: ${(err as Error).message}`),
        ).withProcessMetrics();
      },
    },
    GraphQLMetricsPlugin,
  ],
  exports: [ApiMetrics],
})
export class MetricsModule {}
