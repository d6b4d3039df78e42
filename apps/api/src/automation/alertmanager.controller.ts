import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CurrentActor, type RequestActor, Roles } from '../auth/auth.decorators';
import { AlertmanagerPayloadSchema, payloadProblems } from './alertmanager.payload';
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
  @Roles('operator')
  async receive(
    @Body() body: unknown,
    @CurrentActor() actor: RequestActor,
  ): Promise<{ alerts: AlertReport[] }> {
    const parsed = AlertmanagerPayloadSchema.safeParse(body);
    if (!parsed.success)
      throw new BadRequestException({
        message: 'Not an Alertmanager webhook payload (version 4)',
        problems: payloadProblems(parsed.error),
      });
    return { alerts: await this.automation.handleAlerts(parsed.data, actor) };
  }
}
