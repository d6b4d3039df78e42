import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRIC_PREFIX as P, processMetrics } from './names';

/** One row of the rollouts-by-plan-and-status count (the projection, grouped). */
export interface RolloutCount {
  plan: string;
  status: string;
  count: number;
}

/** Request latencies: GraphQL reads take milliseconds, an action waits on its workflow for up to seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The API's metrics (one registry per instance). `countRollouts` is read at scrape time: the rollouts gauge
 * is the projection grouped by plan and status, so it is right whichever API process answered the actions.
 */
export class ApiMetrics {
  readonly registry = new Registry();

  readonly rollouts: Gauge<'plan' | 'status'>;

  readonly actions = new Counter({
    name: `${P}actions_total`,
    help: 'GraphQL mutations (people and automation acting), by action (the mutation field), outcome (accepted, refused, failed) and error code (none when accepted).',
    labelNames: ['action', 'outcome', 'code'] as const,
    registers: [this.registry],
  });

  readonly alerts = new Counter({
    name: `${P}alerts_total`,
    help: "Alertmanager alerts' results, one per alert and rollout it named: outcome (rollback, pause, refused, skipped, failed) and reason.",
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  readonly graphqlDuration = new Histogram({
    name: `${P}graphql_request_duration_seconds`,
    help: 'GraphQL operations over HTTP, by operation type, root field (multiple when several, invalid when unparsable) and outcome (ok, error).',
    labelNames: ['type', 'field', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: `${P}http_request_duration_seconds`,
    help: "HTTP requests, by method, route (the matched route's pattern; other for the console's files and unknown paths) and status code.",
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(countRollouts: () => Promise<RolloutCount[]>, onError: (err: unknown) => void = () => {}) {
    this.rollouts = new Gauge({
      name: `${P}rollouts`,
      help: 'Rollouts by plan and status (the projection, counted at scrape time).',
      labelNames: ['plan', 'status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const { plan, status, count } of await countRollouts()) this.set({ plan, status }, count);
        } catch (err) {
          onError(err); // a scrape still answers, without this gauge's series
        }
      },
    });
  }

  /** Adds Node's process metrics (memory, CPU, event loop): for the process that serves the registry. */
  withProcessMetrics(): this {
    processMetrics(this.registry, `${P}api_`);
    return this;
  }
}
