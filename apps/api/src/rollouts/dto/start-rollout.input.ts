import { Field, Float, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsNumber, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { NEW_ROLLOUT_ID_PATTERN, NEW_ROLLOUT_ID_RULE } from '../rollout-id';

@InputType()
export class RolloutParametersInput {
  @Field(() => Float, {
    nullable: true,
    description: 'Multiplies every soak and sustain duration (0 < timeScale ≤ 1; e.g. 0.001 in a rehearsal).',
  })
  @IsOptional()
  @IsNumber()
  timeScale?: number;
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
