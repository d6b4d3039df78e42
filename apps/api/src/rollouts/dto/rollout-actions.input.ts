import { Field, ID, InputType } from '@nestjs/graphql';
import { IsBoolean, IsEnum, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { RolloutStatus } from '../models/rollout.model';
import { ID_MESSAGE, ID_PATTERN } from './ids';

const NOTE = 2000;

@InputType({ description: 'Names a rollout.' })
export class RolloutRefInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  rolloutId: string;
}

@InputType()
export class ChecklistItemActionInput extends RolloutRefInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  itemId: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The phase the caller means; CONFLICT if it is not current.',
  })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  phaseId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(NOTE)
  note?: string;
}

@InputType()
export class CompleteChecklistItemInput extends ChecklistItemActionInput {
  @Field({ nullable: true, description: 'A link or reference proving the work (a dashboard, a ticket …).' })
  @IsOptional()
  @IsString()
  @MaxLength(NOTE)
  evidence?: string;
}

@InputType()
export class SkipChecklistItemInput extends RolloutRefInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  itemId: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  phaseId?: string;

  @Field({ description: 'Why the item is skipped (kept in the audit log).' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NOTE)
  justification: string;
}

@InputType()
export class SignOffGateInput extends RolloutRefInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  phaseId: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(NOTE)
  note?: string;
}

@InputType()
export class PauseRolloutInput extends RolloutRefInput {
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(NOTE)
  reason?: string;
}

@InputType()
export class TriggerRollbackInput extends RolloutRefInput {
  @Field({ nullable: true, description: "The plan's rollback level (its first when absent)." })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  level?: string;

  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NOTE)
  reason: string;
}

@InputType()
export class CompleteReviewInput extends RolloutRefInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  reviewId: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(NOTE)
  note?: string;
}

@InputType()
export class AbortRolloutInput extends RolloutRefInput {
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NOTE)
  reason: string;
}

@InputType()
export class ConfirmRollbackStepInput extends RolloutRefInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  stepId: string;
}

@InputType()
export class RolloutFilterInput {
  @Field(() => RolloutStatus, { nullable: true })
  @IsOptional()
  @IsEnum(RolloutStatus)
  status?: RolloutStatus;

  @Field({ nullable: true, description: "The plan's name." })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  plan?: string;

  @Field({ nullable: true, description: 'The current phase id.' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  phase?: string;
}

@InputType({
  description:
    'The outcome of one check of a sustained condition ("EF availability green for 24h"): a failure restarts its clock.',
})
export class RecordCheckResultInput extends ChecklistItemActionInput {
  @Field({ description: 'Whether the condition held at this check.' })
  @IsBoolean()
  healthy: boolean;
}

@InputType({ description: 'A failed rollback step to run again (e.g. once its hook is configured).' })
export class RetryRollbackStepInput extends RolloutRefInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  stepId: string;
}

@InputType({ description: 'A failed rollback step a person did by hand: what they did, and the proof.' })
export class ResolveRollbackStepInput extends RetryRollbackStepInput {
  @Field({ description: 'What was done by hand (kept in the rollout and the audit log).' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NOTE)
  note: string;

  @Field({ nullable: true, description: 'A link or reference proving it (a ticket, a dashboard …).' })
  @IsOptional()
  @IsString()
  @MaxLength(NOTE)
  evidence?: string;
}
