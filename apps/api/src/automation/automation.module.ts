import { Module } from '@nestjs/common';
import { RolloutsModule } from '../rollouts/rollouts.module';
import { AlertmanagerController } from './alertmanager.controller';
import { AutomationService } from './automation.service';
import { MetricSamplesResolver } from './metric-samples.resolver';

/** Automation's ways in: metric readings (GraphQL) and Alertmanager's webhook (REST). */
@Module({
  imports: [RolloutsModule],
  controllers: [AlertmanagerController],
  providers: [AutomationService, MetricSamplesResolver],
})
export class AutomationModule {}
