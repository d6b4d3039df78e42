import { Field, ID, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

@InputType()
export class CompleteChecklistItemInput {
  @Field(() => ID)
  @IsString()
  @MinLength(1)
  rolloutId: string;

  @Field(() => ID)
  @IsString()
  @MinLength(1)
  itemId: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
