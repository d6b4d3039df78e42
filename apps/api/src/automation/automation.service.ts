import { randomBytes } from 'node:crypto';
import { EntityManager } from '@mikro-orm/core';
import { Injectable, Logger } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { AuditLogService, RolloutProjection } from '../../../../libs/persistence/src';
import type { RequestActor } from '../auth/auth.decorators';
import { RolloutCommandsService } from '../rollouts/rollout-commands.service';
import { RolloutReadsService } from '../rollouts/rollout-reads.service';
import { CLOSED_STATUSES } from '../rollouts/rollout-status';
import { alertReason, targetOf } from './alert-routing';
import type { Alert, AlertmanagerPayload } from './alertmanager.payload';
import type { MetricSampleResult } from './metric-sample.types';

/** What one alert did to one rollout. */
export interface AlertResult {
  rolloutId?: string;
  triggerId?: string;
  /** `rollback`/`pause` when carried out; `refused` (with the engine's reason) or `skipped` otherwise. */
  outcome: 'rollback' | 'pause' | 'refused' | 'skipped';
  detail?: string;
}

export interface AlertReport {
  alertname?: string;
  fingerprint?: string;
  status: Alert['status'];
  results: AlertResult[];
}

/** Automation's ways in: metric readings for guardrails, and Alertmanager's alerts for triggers. */
@Injectable()
export class AutomationService {
  private readonly logger = new Logger('Automation');

  constructor(
    private readonly rollouts: RolloutCommandsService,
    private readonly reads: RolloutReadsService,
    private readonly em: EntityManager,
    private readonly audit: AuditLogService,
  ) {}

  /** A reading to one rollout (refused clearly if it cannot take it), or to every active one that reads it. */
  async recordSample(input: {
    rolloutId?: string;
    metric: string;
    value: number;
    at?: Date;
  }): Promise<MetricSampleResult> {
    const reading = { metric: input.metric, value: input.value, at: input.at?.getTime() };
    if (input.rolloutId) {
      const phaseId = await this.rollouts.pushMetricSample(input.rolloutId, reading);
      return { metric: input.metric, deliveredTo: [{ rolloutId: input.rolloutId, phaseId }] };
    }
    const deliveredTo: MetricSampleResult['deliveredTo'] = [];
    for (const rolloutId of await this.activeRollouts()) {
      // Rollouts whose current phase does not read the metric refuse it; for a broadcast that is expected.
      const phaseId = await this.rollouts.pushMetricSample(rolloutId, reading).catch(() => undefined);
      if (phaseId) deliveredTo.push({ rolloutId, phaseId });
    }
    return { metric: input.metric, deliveredTo };
  }

  /** Each firing alert fires the trigger or guardrail action it names, on its rollout or every active one. */
  async handleAlerts(payload: AlertmanagerPayload, actor: RequestActor): Promise<AlertReport[]> {
    const reports: AlertReport[] = [];
    for (const alert of payload.alerts) {
      const report: AlertReport = {
        alertname: alert.labels.alertname,
        fingerprint: alert.fingerprint,
        status: alert.status,
        results: [],
      };
      reports.push(report);
      if (alert.status !== 'firing') {
        report.results.push({
          outcome: 'skipped',
          detail: 'resolved: nothing to undo (resume or restart by hand)',
        });
        continue;
      }
      const targets = alert.labels.rollout ? [alert.labels.rollout] : await this.activeRollouts();
      if (!targets.length) report.results.push({ outcome: 'skipped', detail: 'no active rollout' });
      for (const rolloutId of targets)
        report.results.push(await this.fire(alert, rolloutId, actor, payload.receiver));
    }
    return reports;
  }

  private async fire(
    alert: Alert,
    rolloutId: string,
    actor: RequestActor,
    receiver: string,
  ): Promise<AlertResult> {
    let plan;
    try {
      plan = await this.reads.planOf(rolloutId);
    } catch (err) {
      return { rolloutId, outcome: 'skipped', detail: messageOf(err) };
    }
    const target = targetOf(plan, alert);
    const name = alert.labels.trigger ?? alert.labels.alertname ?? '(no alertname)';
    if (!target)
      return {
        rolloutId,
        outcome: 'skipped',
        detail: `plan ${plan.metadata.name} has no trigger or guardrail "${name}"`,
      };
    const { action } = target;
    if (action.type === 'notify')
      return {
        rolloutId,
        triggerId: target.triggerId,
        outcome: 'skipped',
        detail: 'notify actions are not fired by alerts',
      };
    const reason = alertReason(alert, target);
    const result: AlertResult = await (
      action.type === 'rollback'
        ? this.rollouts.rollback(rolloutId, actor, reason, action.level)
        : this.rollouts.pause(rolloutId, actor, reason)
    ).then(
      (): AlertResult => ({ rolloutId, triggerId: target.triggerId, outcome: action.type, detail: reason }),
      (err: unknown): AlertResult => ({
        rolloutId,
        triggerId: target.triggerId,
        outcome: 'refused',
        detail: messageOf(err),
      }),
    );
    await this.audit
      .append({
        idempotencyKey: `alert/${randomBytes(12).toString('hex')}`,
        rolloutId,
        actor: actor.id,
        action: `alert.${action.type}`,
        target: target.triggerId,
        outcome: result.outcome === 'refused' ? 'refused' : 'accepted',
        payload: { alertname: alert.labels.alertname, fingerprint: alert.fingerprint, receiver, ...result },
      })
      .catch((err: unknown) => this.logger.error(`alert not audited: ${messageOf(err)}`));
    return result;
  }

  private async activeRollouts(): Promise<string[]> {
    const rows = await this.em
      .fork()
      .find(
        RolloutProjection,
        { status: { $nin: [...CLOSED_STATUSES] } },
        { orderBy: { startedAt: 'asc' }, limit: 500 },
      );
    return rows.map((r) => r.rolloutId);
  }
}

function messageOf(err: unknown): string {
  if (err instanceof GraphQLError) {
    const code = typeof err.extensions.code === 'string' ? err.extensions.code : 'ERROR';
    return `${code}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
