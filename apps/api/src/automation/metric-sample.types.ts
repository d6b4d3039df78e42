import { Field, Float, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsDate, IsNumber, IsOptional, Matches } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../rollouts/dto/ids';

@InputType({ description: 'One reading of a metric, for the guardrails that read it.' })
export class RecordMetricSampleInput {
  @Field(() => ID, {
    description:
      'The rollout it is for (its current phase’s guardrails read it). Required: a reading is never sent to every rollout that reads the metric.',
  })
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  rolloutId: string;

  @Field({ description: 'The metric name the plan’s guardrails use (error_rate, queue_backlog …).' })
  @Matches(/^[a-zA-Z_:][a-zA-Z0-9_:.]{0,127}$/, {
    message: 'metric must be a metric name (letters, digits, _ : .)',
  })
  metric: string;

  @Field(() => Float)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value: number;

  @Field({ nullable: true, description: 'When it was measured (default: when it arrives).' })
  @IsOptional()
  @IsDate()
  at?: Date;
}

@ObjectType()
export class MetricSampleDelivery {
  @Field(() => ID) rolloutId: string;
  @Field(() => ID) phaseId: string;
}

@ObjectType({ description: 'Where a metric reading went.' })
export class MetricSampleResult {
  @Field() metric: string;
  @Field(() => [MetricSampleDelivery]) deliveredTo: MetricSampleDelivery[];
}
