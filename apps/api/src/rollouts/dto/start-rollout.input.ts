import { Field, Float, ID, InputType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsEnum, IsNumber, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DEFAULT_CADENCE_SECONDS, MAX_CADENCE_SECONDS, MIN_CADENCE_SECONDS } from '../metrics-parameters';
import { NEW_ROLLOUT_ID_PATTERN, NEW_ROLLOUT_ID_RULE } from '../rollout-id';

export enum MetricSource {
  PROMETHEUS = 'PROMETHEUS',
  PUSHED = 'PUSHED',
}
registerEnumType(MetricSource, {
  name: 'MetricSource',
  description:
    "Where a rollout's guardrails read their metrics (simulations, from the CLI, read scenario timelines).",
  valuesMap: {
    PROMETHEUS: {
      description:
        'Queried from Prometheus (PROMETHEUS_URL) at the cadence, each plan metric by its METRIC_CATALOGUE entry.',
    },
    PUSHED: { description: 'Readings pushed to the API (recordMetricSample).' },
  },
});

@InputType({ description: "How the rollout's guardrails read their metrics." })
export class MetricsParametersInput {
  @Field(() => MetricSource, {
    nullable: true,
    description:
      'Default: PROMETHEUS when the engine has PROMETHEUS_URL, else PUSHED. (Simulated readings are for the CLI: rollout simulate.)',
  })
  @IsOptional()
  @IsEnum(MetricSource)
  source?: MetricSource;

  @Field({
    nullable: true,
    description: `How often Prometheus is read: seconds ("30"), short ("30s", "2m") or ISO 8601 ("PT30S"); ${MIN_CADENCE_SECONDS} s to ${MAX_CADENCE_SECONDS / 60} min, default ${DEFAULT_CADENCE_SECONDS} s. Also the expected spacing of pushed readings (a reading older than two cadences is no data).`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  cadence?: string;

  @Field(() => Float, { nullable: true, description: 'The cadence in seconds (instead of cadence).' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  cadenceSeconds?: number;
}

@InputType()
export class RolloutParametersInput {
  @Field(() => Float, {
    nullable: true,
    description: 'Multiplies every soak and sustain duration (0 < timeScale ≤ 1; e.g. 0.001 in a rehearsal).',
  })
  @IsOptional()
  @IsNumber()
  timeScale?: number;

  @Field(() => MetricsParametersInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => MetricsParametersInput)
  metrics?: MetricsParametersInput;
}

@InputType()
export class StartRolloutInput {
  @Field(() => ID, { description: 'The plan version to run (<name>@<version>).' })
  @IsString()
  @MaxLength(200)
  planVersionId: string;

  @Field(() => ID, {
    nullable: true,
    description: `Rollout id; generated when absent. The workflow ID is rollout-<id>, its phases' rollout-<id>-phase-<phaseId>. A new id is ${NEW_ROLLOUT_ID_RULE} (pattern ${NEW_ROLLOUT_ID_PATTERN.source}), so that it can never name another rollout's phase workflow.`,
  })
  @IsOptional()
  @Matches(NEW_ROLLOUT_ID_PATTERN, {
    message: `$property must be ${NEW_ROLLOUT_ID_RULE} (pattern ${NEW_ROLLOUT_ID_PATTERN.source})`,
  })
  id?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;

  @Field(() => RolloutParametersInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => RolloutParametersInput)
  parameters?: RolloutParametersInput;
}
