import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_DOCUMENT_CHARS } from '../../../../../libs/plan/src';

@InputType({ description: 'A plan document: exactly one of markdown or yaml (YAML or JSON).' })
export class PlanDocumentInput {
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DOCUMENT_CHARS)
  markdown?: string;

  @Field({ nullable: true, description: 'A rollout/v1 plan in YAML or JSON.' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DOCUMENT_CHARS)
  yaml?: string;

  @Field({ nullable: true, description: 'The plan name to use instead of the document’s.' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  name?: string;

  @Field({
    nullable: true,
    description:
      'The Markdown file’s name, if it came from one: it names the plan when the title is generic.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  fileName?: string;
}
