import { Injectable, Logger } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { auditMetricEvent, isRollbackStart, nameLabel, WorkerMetrics } from '../libs/metrics/src';
import type { AuditRecord } from './audit.activities';
import { AuditEntry } from '../libs/persistence/src/entities/audit-entry.entity';
import { RolloutProjection } from '../libs/persistence/src/entities/rollout-projection.entity';

/** How far back an outcome looks in its rollout's transitions for the rollback's start. */
const ROLLBACK_LOOKBACK = 50;

/** One guardrail's outcome in a watcher round. */
export interface GuardrailEvaluationFacts {
  guardrailId: string;
  outcome: string;
}

/**
 * The worker's counting, from what its activities see (workflows count nothing: they replay). Never fails an
 * activity: a metric that cannot be counted is logged and dropped. Labels carry the plan (from the projection
 * row the API wrote at the start), never a rollout or user id.
 */
@Injectable()
export class ActivityMetrics {
  private readonly logger = new Logger('Metrics');

  constructor(
    readonly metrics: WorkerMetrics,
    private readonly orm: MikroORM,
  ) {}

  /** One audit entry the audit activity has just written (not one a retry found already there). */
  async audited(record: AuditRecord, at: Date): Promise<void> {
    const event = auditMetricEvent(record);
    if (!event) return;
    try {
      const plan = await this.planOf(record.rolloutId);
      const m = this.metrics;
      if (event.kind === 'breach') {
        m.guardrailBreaches.inc({ plan, guardrail: nameLabel(event.guardrail) });
        return;
      }
      m.transitions.inc({ plan, status: nameLabel(event.status) });
      if (event.phaseEntered) m.phaseEntries.inc({ plan });
      if (event.rollbackStarted) m.rollbacksStarted.inc({ plan });
      if (event.rollbackOutcome) {
        const started = await this.rollbackStartedAt(record.rolloutId);
        if (started) {
          const seconds = Math.max(0, (at.getTime() - started.getTime()) / 1000);
          m.rollbackDuration.observe({ plan, outcome: event.rollbackOutcome }, seconds);
        }
      }
    } catch (err) {
      this.logger.warn(`audit entry ${record.action} not counted: ${(err as Error).message}`);
    }
  }

  /** One reading round of the metric watcher: each guardrail's outcome, and the no-data episodes started. */
  watched(
    plan: string,
    evaluations: readonly GuardrailEvaluationFacts[],
    noDataStarted: readonly string[],
  ): void {
    const p = nameLabel(plan);
    for (const { guardrailId, outcome } of evaluations)
      this.metrics.guardrailEvaluations.inc({
        plan: p,
        guardrail: nameLabel(guardrailId),
        outcome: nameLabel(outcome),
      });
    for (const guardrail of noDataStarted)
      this.metrics.guardrailNoData.inc({ plan: p, guardrail: nameLabel(guardrail) });
  }

  /** One notification attempt's outcome. */
  notified(channel: string, outcome: 'sent' | 'recorded' | 'failed' | 'retry'): void {
    this.metrics.notifications.inc({ channel: nameLabel(channel), outcome });
  }

  private async planOf(rolloutId: string): Promise<string> {
    const row = await this.orm.em.fork().findOne(RolloutProjection, { rolloutId }, { fields: ['plan'] });
    return nameLabel(row?.plan);
  }

  /** When the rollout's latest rollback started (its `rollback (…) by …` transition). */
  private async rollbackStartedAt(rolloutId: string): Promise<Date | undefined> {
    const rows = await this.orm.em
      .fork()
      .find(
        AuditEntry,
        { rolloutId, action: 'rollout.transition', target: 'ROLLING_BACK' },
        { orderBy: { id: 'desc' }, limit: ROLLBACK_LOOKBACK },
      );
    return rows.find(isRollbackStart)?.at;
  }
}
