import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ID_MESSAGE =
  '$property must be lowercase letters, digits and dashes (at most 63, starting with a letter or digit)';

@InputType()
export class ChecklistItemInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  id: string;

  @Field()
  @IsString()
  @MaxLength(500)
  title: string;
}

@InputType()
export class PhaseInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  id: string;

  @Field()
  @IsString()
  @MaxLength(200)
  name: string;

  @Field(() => [ChecklistItemInput])
  @ValidateNested({ each: true })
  @Type(() => ChecklistItemInput)
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  checklist: ChecklistItemInput[];
}

@InputType()
export class StartRolloutInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Rollout id; generated when absent. The workflow ID is rollout-<id>.',
  })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  id?: string;

  @Field({ description: 'Name of the plan this rollout runs.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  plan: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;

  @Field(() => [PhaseInput], { description: 'The phases, run in order.' })
  @ValidateNested({ each: true })
  @Type(() => PhaseInput)
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  phases: PhaseInput[];
}
