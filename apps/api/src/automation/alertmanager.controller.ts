import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CurrentActor, type RequestActor, Roles } from '../auth/auth.decorators';
import { parseInput } from '../common/input-refusal';
import { AlertmanagerPayloadSchema } from './alertmanager.payload';
import { type AlertReport, AutomationService } from './automation.service';

/**
 * POST /alerts/alertmanager: Alertmanager's webhook receiver. A firing alert fires the plan's manual trigger
 * or guardrail action it names (label `trigger`, else `alertname`) on the rollout of label `rollout`, or on
 * every active rollout. Answers what each alert did; a body that is not a payload is a 400 and does nothing.
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
    return { alerts: await this.automation.handleAlerts(payload, actor) };
  }
}
