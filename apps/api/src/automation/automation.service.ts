import { randomBytes } from 'node:crypto';
import { EntityManager } from '@mikro-orm/core';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApiMetrics, nameLabel } from '../../../../libs/metrics/src';
import { AuditLogService, NO_ROLLOUT, RolloutProjection } from '../../../../libs/persistence/src';
import type { RolloutPlan } from '../../../../libs/plan/src';
import { API_CONFIG, type ApiConfig } from '../api.config';
import type { RequestActor } from '../auth/auth.decorators';
import { RolloutCommandsService } from '../rollouts/rollout-commands.service';
import { RolloutReadsService } from '../rollouts/rollout-reads.service';
import { CLOSED_STATUSES } from '../rollouts/rollout-status';
import {
  type AlertOutcome,
  type AlertScope,
  answerStatus,
  checkRollout,
  chooseAction,
  PLAN_LABEL,
  type RefusalReason,
  ROLLOUT_LABEL,
  type RolloutFacts,
  scopeOf,
  type Skip,
  type SkipReason,
  triggerNameOf,
} from './alert-routing';
import type { Alert, AlertmanagerPayload } from './alertmanager.payload';
import type { MetricSampleResult } from './metric-sample.types';

/** What one alert did to one rollout (or, naming none, to nothing). */
export interface AlertResult {
  rolloutId?: string;
  triggerId?: string;
  /** `rollback`/`pause` when carried out; `refused`, `skipped` or `failed` otherwise (see `reason`). */
  outcome: AlertOutcome;
  /** The action the engine refused (`refused` by the engine only). */
  action?: 'rollback' | 'pause';
  /** Why it was refused, skipped or failed: a SkipReason, `unnamed`, `engine-refused` or `unreachable`. */
  reason?: SkipReason | RefusalReason | 'engine-refused' | 'unreachable';
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
    @Inject(API_CONFIG) private readonly api: ApiConfig,
    @Optional() private readonly metrics?: ApiMetrics,
  ) {}

  /**
   * A reading to the rollout it names (refused clearly if it cannot take it). It must name one: a reading of
   * `error_rate` from one service's exporter says nothing about another service's rollout (as an alert naming
   * no rollout must not act on every rollout).
   */
  async recordSample(input: {
    rolloutId: string;
    metric: string;
    value: number;
    at?: Date;
  }): Promise<MetricSampleResult> {
    const reading = { metric: input.metric, value: input.value, at: input.at?.getTime() };
    const phaseId = await this.rollouts.pushMetricSample(input.rolloutId, reading);
    return { metric: input.metric, deliveredTo: [{ rolloutId: input.rolloutId, phaseId }] };
  }

  /**
   * Each alert acts only on the rollouts it names (see alert-routing): label `rollout`, or label `plan` for the
   * live rollouts of that plan; one naming neither is refused and acts on nothing. Every outcome is logged and
   * audited: carried out or refused by the engine as `alert.rollback`/`alert.pause`, skipped as
   * `alert.skipped`, engine unreachable as `alert.failed`; an alert naming nothing is audited with the
   * request's refusal (HTTP 422, RefusalAuditService) by the controller. `status` is the batch's HTTP status.
   */
  async handleAlerts(
    payload: AlertmanagerPayload,
    actor: RequestActor,
  ): Promise<{ status: 200 | 422 | 503; alerts: AlertReport[] }> {
    const reports: AlertReport[] = [];
    for (const alert of payload.alerts) {
      const report: AlertReport = {
        alertname: alert.labels.alertname,
        fingerprint: alert.fingerprint,
        status: alert.status,
        results: [],
      };
      reports.push(report);
      const scope = scopeOf(alert);
      const audit = (rolloutId: string | undefined, action: string, target: string, result: AlertResult) =>
        this.auditAlert(alert, payload.receiver, actor, rolloutId, action, target, result);
      if (scope.kind === 'unnamed') {
        const skip = alert.status === 'resolved';
        const result: AlertResult = skip
          ? { outcome: 'skipped', reason: 'resolved', detail: 'resolved: nothing to undo' }
          : {
              outcome: 'refused',
              reason: 'unnamed',
              detail: `names no rollout or plan: set label "${ROLLOUT_LABEL}" or "${PLAN_LABEL}" (it acts on no rollout)`,
            };
        report.results.push(result);
        this.log(alert, result);
        // A refusal is audited once, with the request's (the controller's 422, through RefusalAuditService).
        if (skip) await audit(undefined, 'alert.skipped', triggerNameOf(alert) ?? '-', result);
        continue;
      }
      let rollouts: { rolloutId: string; facts?: RolloutFacts }[];
      try {
        rollouts = await this.rolloutsNamed(scope);
      } catch (err) {
        const result = failure(err);
        report.results.push(result);
        this.log(alert, result);
        await audit(undefined, 'alert.failed', triggerNameOf(alert) ?? '-', result);
        continue;
      }
      if (scope.kind === 'plan' && !rollouts.length) {
        const result: AlertResult = {
          outcome: 'skipped',
          reason: alert.status === 'resolved' ? 'resolved' : 'no-live-rollout',
          detail:
            alert.status === 'resolved'
              ? 'resolved: nothing to undo'
              : `plan ${scope.plan} has no live rollout`,
        };
        report.results.push(result);
        this.log(alert, result);
        await audit(undefined, 'alert.skipped', triggerNameOf(alert) ?? '-', result);
        continue;
      }
      for (const { rolloutId, facts } of rollouts) {
        const result = await this.fire(alert, scope, rolloutId, facts, actor);
        report.results.push(result);
        this.log(alert, result);
        const known = result.reason !== 'unknown-rollout';
        const action =
          result.outcome === 'skipped'
            ? 'alert.skipped'
            : result.outcome === 'failed'
              ? 'alert.failed'
              : `alert.${result.action ?? result.outcome}`;
        await audit(known ? rolloutId : undefined, action, result.triggerId ?? triggerNameOf(alert) ?? '-', {
          ...result,
          ...(!known && { rolloutId }),
        });
      }
    }
    const status = answerStatus(reports.flatMap((r) => r.results));
    return { status, alerts: reports };
  }

  /** The rollouts an alert names: the one of label `rollout`, or the live ones of label `plan`. */
  private async rolloutsNamed(
    scope: Exclude<AlertScope, { kind: 'unnamed' }>,
  ): Promise<{ rolloutId: string; facts?: RolloutFacts }[]> {
    const em = this.em.fork();
    if (scope.kind === 'plan') {
      const rows = await em.find(
        RolloutProjection,
        { plan: scope.plan, status: { $nin: [...CLOSED_STATUSES] } },
        { orderBy: { startedAt: 'asc' }, limit: 500 },
      );
      return rows.map((r) => ({ rolloutId: r.rolloutId, facts: factsOf(r) }));
    }
    const row = await em.findOne(RolloutProjection, { rolloutId: scope.rolloutId });
    return [{ rolloutId: scope.rolloutId, facts: row ? factsOf(row) : undefined }];
  }

  /** One alert on one rollout: checked, then its trigger's rollback or pause asked of the engine. */
  private async fire(
    alert: Alert,
    scope: Exclude<AlertScope, { kind: 'unnamed' }>,
    rolloutId: string,
    row: RolloutFacts | undefined,
    actor: RequestActor,
  ): Promise<AlertResult> {
    const skipped = (skip: Skip): AlertResult => ({
      rolloutId,
      outcome: 'skipped',
      reason: skip.reason,
      detail: skip.detail,
    });
    // Its row first: a resolved alert, or one for an ended rollout, needs no answer from the engine.
    const early = row
      ? checkRollout(alert, scope, rolloutId, row, CLOSED_STATUSES)
      : alert.status === 'resolved'
        ? checkRollout(alert, scope, rolloutId, { rolloutId, plan: scope.plan ?? '', status: 'UNKNOWN' }, [])
        : undefined;
    if (early) return skipped(early);
    let plan: RolloutPlan;
    try {
      // The plan the rollout runs (from the engine); for a rollout with no row yet, whether it exists at all.
      plan = await withDeadline(this.reads.planOf(rolloutId), this.api.actionTimeoutMs);
    } catch (err) {
      if (errorKind(err) !== 'not-found') return { rolloutId, ...failure(err) };
      return skipped(checkRollout(alert, scope, rolloutId, undefined, CLOSED_STATUSES)!);
    }
    if (!row) {
      const late = checkRollout(
        alert,
        scope,
        rolloutId,
        { rolloutId, plan: plan.metadata.name, status: 'UNKNOWN' },
        CLOSED_STATUSES,
      );
      if (late) return skipped(late);
    }
    const choice = chooseAction(plan, alert);
    if (choice.kind === 'skip')
      return {
        rolloutId,
        ...(choice.triggerId && { triggerId: choice.triggerId }),
        outcome: 'skipped',
        reason: choice.reason,
        detail: choice.detail,
      };
    const triggerId = choice.target.triggerId;
    try {
      await (choice.action === 'rollback'
        ? this.rollouts.rollback(rolloutId, actor, choice.reason, choice.level)
        : this.rollouts.pause(rolloutId, actor, choice.reason));
      return { rolloutId, triggerId, outcome: choice.action, detail: choice.reason };
    } catch (err) {
      const kind = errorKind(err);
      if (kind === 'unreachable') return { rolloutId, triggerId, ...failure(err) };
      if (kind === 'not-found')
        return { rolloutId, outcome: 'skipped', reason: 'unknown-rollout', detail: messageOf(err) };
      return {
        rolloutId,
        triggerId,
        outcome: 'refused',
        action: choice.action,
        reason: 'engine-refused',
        detail: `${choice.action} refused: ${messageOf(err)}`,
      };
    }
  }

  private async auditAlert(
    alert: Alert,
    receiver: string,
    actor: RequestActor,
    rolloutId: string | undefined,
    action: string,
    target: string,
    result: AlertResult,
  ): Promise<void> {
    await this.audit
      .append({
        idempotencyKey: `alert/${randomBytes(12).toString('hex')}`,
        rolloutId: rolloutId ?? NO_ROLLOUT,
        actor: actor.id,
        action,
        target,
        outcome: result.outcome === 'rollback' || result.outcome === 'pause' ? 'accepted' : result.outcome,
        payload: {
          alertname: alert.labels.alertname,
          fingerprint: alert.fingerprint,
          status: alert.status,
          labels: alert.labels,
          receiver,
          ...result,
        },
      })
      .catch((err: unknown) => this.logger.error(`alert not audited: ${messageOf(err)}`));
  }

  /** One log line per alert and rollout (acted at `log`, everything else at `warn`), and its count. */
  private log(alert: Alert, result: AlertResult): void {
    this.metrics?.alerts.inc({ outcome: result.outcome, reason: nameLabel(result.reason ?? 'none') });
    const what = `alert ${alert.labels.alertname ?? '(no alertname)'} (${alert.status}${alert.fingerprint ? `, ${alert.fingerprint}` : ''})`;
    const on = result.rolloutId ? ` on rollout ${result.rolloutId}` : '';
    const line = `${what}${on}: ${result.outcome}${result.reason ? ` (${result.reason})` : ''}${result.detail ? `: ${result.detail}` : ''}`;
    if (result.outcome === 'rollback' || result.outcome === 'pause') this.logger.log(line);
    else if (result.outcome === 'failed') this.logger.error(line);
    else this.logger.warn(line);
  }
}

/** `promise`, or a failure once `ms` have passed (an engine that does not answer is not waited for forever). */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function factsOf(row: RolloutProjection): RolloutFacts {
  return { rolloutId: row.rolloutId, plan: row.plan, status: row.status };
}

/** What an error from the engine means for an alert: no such rollout, a refusal, or the engine unreachable. */
function errorKind(err: unknown): 'not-found' | 'refused' | 'unreachable' {
  if (err instanceof WorkflowNotFoundError) return 'not-found';
  if (err instanceof GraphQLError) {
    const code = err.extensions.code;
    if (code === 'NOT_FOUND') return 'not-found';
    if (code === 'UNAVAILABLE' || code === 'INTERNAL_SERVER_ERROR') return 'unreachable';
    return 'refused';
  }
  // Anything else (a gRPC error, a deadline …): the engine did not give an answer; sending again may help.
  return 'unreachable';
}

function failure(err: unknown): AlertResult {
  return { outcome: 'failed', reason: 'unreachable', detail: `the engine did not answer: ${messageOf(err)}` };
}

function messageOf(err: unknown): string {
  if (err instanceof GraphQLError) {
    const code = typeof err.extensions.code === 'string' ? err.extensions.code : 'ERROR';
    return `${code}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
