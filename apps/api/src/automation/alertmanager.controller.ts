import { Body, Controller, HttpCode, Post, ServiceUnavailableException } from '@nestjs/common';
import { CurrentActor, type RequestActor, Roles } from '../auth/auth.decorators';
import { InputUnprocessable, parseInput } from '../common/input-refusal';
import { AlertmanagerPayloadSchema } from './alertmanager.payload';
import { type AlertReport, AutomationService } from './automation.service';

/**
 * POST /alerts/alertmanager: Alertmanager's webhook receiver (bearer token of a user with role `operator`).
 * A firing alert fires the plan's manual trigger or guardrail action it names (label `trigger`, else
 * `alertname`) on the rollout of label `rollout`, or on the live rollouts of the plan of label `plan`; never
 * on a rollout it does not name. The answer lists each alert's outcome per rollout:
 * - 200: every alert was handled (carried out, refused by the engine, or skipped: resolved, unknown rollout,
 *   unknown trigger, ended rollout …);
 * - 422: some alert names no rollout and no plan. It acted on nothing; the other alerts of the batch were
 *   handled all the same (their outcomes are in the body), and Alertmanager does not send a 4xx again;
 * - 503: the engine (Temporal) could not be reached for some alert: Alertmanager sends the batch again (what
 *   was already done is then refused by the engine, and changes nothing);
 * - 400: the body is not a webhook payload (version 4), and nothing was done.
 * Refusals (400, 422, 503) are audited through RefusalAuditService like every REST refusal; each alert's own
 * outcome is audited too (`alert.rollback`, `alert.pause`, `alert.skipped`, `alert.failed`).
 */
@Controller('alerts')
export class AlertmanagerController {
  constructor(private readonly automation: AutomationService) {}

  @Post('alertmanager')
  @HttpCode(200)
  @Roles('automationRoles')
  async receive(
    @Body() body: unknown,
    @CurrentActor() actor: RequestActor,
  ): Promise<{ alerts: AlertReport[] }> {
    // A body that is not a payload (or carries a NUL, a timestamp of year 1 …) is a 400, audited.
    const payload = parseInput(
      AlertmanagerPayloadSchema,
      body,
      'Not an Alertmanager webhook payload (version 4)',
    );
    const { status, alerts } = await this.automation.handleAlerts(payload, actor);
    if (status === 503)
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'The engine could not be reached for some alerts; send them again',
        alerts,
      });
    if (status === 422) {
      // Audited (RefusalAuditFilter) with one problem per refused alert and those alerts' labels.
      const refused = payload.alerts
        .map((alert, index) => ({ alert, index, report: alerts[index] }))
        .filter(({ report }) =>
          report.results.some((r) => r.outcome === 'refused' && r.reason === 'unnamed'),
        );
      throw new InputUnprocessable(
        `${refused.length} of ${alerts.length} alerts name no rollout and no plan (label "rollout" or "plan"): they acted on nothing`,
        refused.map(
          ({ alert, index }) =>
            `alerts.${index} (${alert.labels.alertname ?? 'no alertname'}${alert.fingerprint ? `, ${alert.fingerprint}` : ''}): names no rollout or plan`,
        ),
        {
          receiver: payload.receiver,
          refused: refused.map(({ alert, index }) => ({
            index,
            fingerprint: alert.fingerprint,
            labels: alert.labels,
          })),
        },
        { alerts },
      );
    }
    return { alerts };
  }
}
