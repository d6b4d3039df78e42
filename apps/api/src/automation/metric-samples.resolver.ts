import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/auth.decorators';
import { AutomationService } from './automation.service';
import { MetricSampleResult, RecordMetricSampleInput } from './metric-sample.types';

@Resolver()
export class MetricSamplesResolver {
  constructor(private readonly automation: AutomationService) {}

  @Mutation(() => MetricSampleResult, {
    description: 'A metric reading for the guardrails of the named rollout’s current phase. Operators.',
  })
  @Roles('automationRoles')
  recordMetricSample(@Args('input') input: RecordMetricSampleInput): Promise<MetricSampleResult> {
    return this.automation.recordSample(input);
  }
}
