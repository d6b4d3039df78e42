import { Counter, Histogram, Registry } from 'prom-client';
import { METRIC_PREFIX as P, processMetrics } from './names';

/** Rollbacks last from seconds (compensations only) to days (a manual step someone must do). */
export const ROLLBACK_BUCKETS = [
  1,
  5,
  15,
  30,
  60,
  300,
  900,
  1800,
  3600,
  4 * 3600,
  12 * 3600,
  86_400,
  7 * 86_400,
];

/**
 * The worker's own metrics (one registry per instance). Workflows are deterministic and count nothing; these
 * count what activities see: audit entries the workflows write (transitions, phase entries, rollbacks,
 * breaches), the metric watcher's evaluations, and notification deliveries. Each is counted once, by the worker
 * whose activity wrote it (a retried activity that finds its entry already written counts nothing).
 */
export class WorkerMetrics {
  readonly registry = new Registry();

  readonly transitions = new Counter({
    name: `${P}rollout_transitions_total`,
    help: 'Rollout status changes recorded (audit action rollout.transition), by plan and the status entered.',
    labelNames: ['plan', 'status'] as const,
    registers: [this.registry],
  });

  readonly phaseEntries = new Counter({
    name: `${P}phase_entries_total`,
    help: 'Phases entered by rollouts, by plan.',
    labelNames: ['plan'] as const,
    registers: [this.registry],
  });

  readonly rollbacksStarted = new Counter({
    name: `${P}rollbacks_started_total`,
    help: 'Rollbacks started (by a person, an alert or a guardrail), by plan.',
    labelNames: ['plan'] as const,
    registers: [this.registry],
  });

  readonly rollbackDuration = new Histogram({
    name: `${P}rollback_duration_seconds`,
    help: 'Time from a rollback start to its outcome (ROLLED_BACK, or ROLLBACK_FAILED each time a step fails), by plan and outcome.',
    labelNames: ['plan', 'outcome'] as const,
    buckets: ROLLBACK_BUCKETS,
    registers: [this.registry],
  });

  readonly guardrailEvaluations = new Counter({
    name: `${P}guardrail_evaluations_total`,
    help: 'Guardrail evaluations by the Prometheus metric watcher (one per guardrail per reading round), by plan, guardrail and outcome.',
    labelNames: ['plan', 'guardrail', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly guardrailBreaches = new Counter({
    name: `${P}guardrail_breaches_total`,
    help: 'Guardrail breaches a rollout acted on (audit action guardrail.breach; pushed and watched metrics alike), by plan and guardrail.',
    labelNames: ['plan', 'guardrail'] as const,
    registers: [this.registry],
  });

  readonly guardrailNoData = new Counter({
    name: `${P}guardrail_no_data_episodes_total`,
    help: 'No-data episodes started on watched guardrails (the metric watcher got no reading to judge), by plan and guardrail.',
    labelNames: ['plan', 'guardrail'] as const,
    registers: [this.registry],
  });

  readonly notifications = new Counter({
    name: `${P}notifications_total`,
    help: 'Notification attempts, by channel and outcome: sent (delivered to the webhook), recorded (no webhook for the channel), failed (refused for good), retry (a failure the activity retries).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Adds Node's process metrics (memory, CPU, event loop): for the process that serves the registry. */
  withProcessMetrics(): this {
    processMetrics(this.registry, `${P}worker_`);
    return this;
  }
}
