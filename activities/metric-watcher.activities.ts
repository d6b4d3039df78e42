import { Inject, Injectable, Optional } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/common';
import { saveGuardrailReadings } from '../libs/persistence/src/guardrail-readings';
import { watcherReportSignal } from '../workflows/engine/messages';
import type { WatcherState } from '../workflows/engine/watcher-step';
import { ActivityMetrics } from './activity-metrics';
import { ADAPTERS_CONFIG, type AdaptersConfig } from './adapters.config';
import { MetricsActivities } from './metrics.activities';
import { runWatcher, watcherTuning, type WatchMetricsInput } from './metric-watcher';
import { NotificationsActivities } from './notifications.activities';

export type { WatchMetricsInput } from './metric-watcher';

/**
 * The metric watcher of a live phase whose metrics come from Prometheus: one long-running, heartbeating
 * activity instead of one activity per reading in the phase's history. It queries through the metric
 * catalogue (MetricsActivities.queryMetric), judges windows with the workflow's own pure functions, signals
 * the phase only breaches and no-data episodes, sends a long episode's one escalation message itself, and
 * writes the latest readings to the database for display. A retried attempt (after a worker crash) resumes
 * from its last heartbeat: windows, episodes, the time of the last reading.
 */
@Injectable()
export class MetricWatcherActivities {
  constructor(
    private readonly metrics: MetricsActivities,
    private readonly notifications: NotificationsActivities,
    private readonly orm: MikroORM,
    @Inject(ADAPTERS_CONFIG) private readonly config: AdaptersConfig,
    @Optional() private readonly counts?: ActivityMetrics,
  ) {}

  async watchMetrics(input: WatchMetricsInput): Promise<void> {
    const ctx = Context.current();
    const resumed = ctx.info.heartbeatDetails as WatcherState | undefined;
    if (resumed)
      ctx.log.info('Metric watcher resumes from its heartbeat', {
        phase: input.phaseWorkflowId,
        attempt: ctx.info.attempt,
        lastReadingAt: resumed.lastReadingAt,
      });
    const phase = ctx.client.workflow.getHandle(input.phaseWorkflowId);
    await runWatcher(
      input,
      resumed,
      {
        now: () => Date.now(),
        sleep: (ms) => ctx.sleep(ms),
        heartbeat: (state) => ctx.heartbeat(state),
        query: async (metric, at) => {
          const { value, unit, cause, detail } = await this.metrics.queryMetric({
            query: metric,
            at: new Date(at).toISOString(),
            plan: input.plan,
          });
          return {
            value,
            ...(unit ? { unit } : {}),
            ...(cause ? { cause } : {}),
            ...(detail ? { detail } : {}),
          };
        },
        queryRange: async (metric, times, stepMs) =>
          (await this.metrics.queryMetricRange({ query: metric, times, stepMs, plan: input.plan })).map(
            ({ value, unit, cause, detail }) => ({
              value,
              ...(unit ? { unit } : {}),
              ...(cause ? { cause } : {}),
              ...(detail ? { detail } : {}),
            }),
          ),
        report: async (report) => {
          try {
            await phase.signal(watcherReportSignal, report);
            return true;
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) return false;
            throw err;
          }
        },
        escalate: async ({ guardrailId, since, message }) => {
          await this.notifications.notify({
            rolloutId: input.rolloutId,
            channel: input.escalationChannel,
            message,
            idempotencyKey: `${input.phaseWorkflowId}/no-data/${guardrailId}/${since}`,
          });
        },
        display: (records) => saveGuardrailReadings(this.orm.em, records),
        observe: (step) =>
          this.counts?.watched(
            input.plan,
            step.evaluations.map(({ guardrail, evaluation }) => ({
              guardrailId: guardrail.id,
              outcome: evaluation.outcome,
            })),
            step.report.noData.filter((n) => n.kind === 'started').map((n) => n.guardrailId),
          ),
        warn: (message, attrs) => {
          ctx.log.warn(message, { phase: input.phaseWorkflowId, ...attrs });
        },
      },
      { ...watcherTuning(ctx.info.heartbeatTimeoutMs), maxCatchUpMs: this.config.metricRetentionMs },
    );
  }
}
