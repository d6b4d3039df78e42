import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A problem with a plan document: where (path, line) and what.' })
export class PlanProblem {
  @Field({ description: 'Path in the plan, e.g. phases[1].checklist[0].roles (empty: the document).' })
  path: string;
  @Field(() => Int, { nullable: true }) line?: number;
  @Field() message: string;
}

@ObjectType({ description: 'A document line and what the importer made of it.' })
export class ImportLine {
  @Field(() => Int) line: number;
  @Field() text: string;
  @Field({
    nullable: true,
    description:
      'For a line not understood: the plan element its text was kept in, e.g. phases[0].description.',
  })
  keptAs?: string;
}

@ObjectType({ description: 'A line the importer understood: the facts it gave the plan.' })
export class MappedImportLine {
  @Field(() => Int) line: number;
  @Field({ description: 'Path of the plan element the line became, e.g. phases[1].checklist[3].' })
  to: string;
  @Field(() => [String], {
    description: 'What the line said, e.g. "phase 2 approval by legal". Never empty.',
  })
  facts: string[];
}

@ObjectType({ description: 'What the Markdown importer mapped, inferred and left out.' })
export class PlanImportReport {
  @Field(() => Int, { description: 'Lines understood: each gave the plan at least one fact.' })
  mappedLines: number;
  @Field(() => [MappedImportLine], { description: 'The lines understood, with their facts.' })
  mapped: MappedImportLine[];
  @Field(() => [ImportLine], { description: 'Non-blank lines that gave the plan no fact.' })
  unmapped: ImportLine[];
  @Field(() => [ImportLine], { description: 'Assumptions and details the plan cannot hold.' })
  notes: ImportLine[];
  @Field(() => [PlanProblem]) errors: PlanProblem[];
}

@ObjectType({ description: 'One immutable version of a plan.' })
export class PlanVersionModel {
  @Field(() => ID, { description: '<name>@<version>; what startRollout takes.' }) id: string;
  @Field() name: string;
  @Field(() => Int) version: number;
  @Field({ nullable: true }) title?: string;
  @Field({ description: 'markdown or yaml: how the imported document was written.' }) format: string;
  @Field({ description: 'SHA-256 of the plan without document positions.' }) digest: string;
  @Field(() => [String], { description: 'What changed since the previous version.' }) changes: string[];
  @Field(() => [String], { description: 'Phase names, in order.' }) phases: string[];
  @Field({ description: 'The validated plan as JSON (rollout/v1).' }) planJson: string;
  @Field() createdBy: string;
  @Field() createdAt: Date;
}

@ObjectType({ description: 'A plan by name: its latest version and its history.' })
export class PlanModel {
  @Field() name: string;
  @Field({ nullable: true }) title?: string;
  @Field(() => PlanVersionModel) latest: PlanVersionModel;
  @Field(() => [PlanVersionModel], { description: 'Newest first.' }) versions: PlanVersionModel[];
}

@ObjectType()
export class ImportPlanResult {
  @Field(() => PlanVersionModel) planVersion: PlanVersionModel;
  @Field({ description: 'False when the document held the same plan as the latest version.' })
  created: boolean;
  @Field(() => [String]) changes: string[];
  @Field(() => PlanImportReport, { nullable: true, description: 'For Markdown documents.' })
  report?: PlanImportReport;
}

@ObjectType()
export class ValidatePlanResult {
  @Field() valid: boolean;
  @Field(() => [PlanProblem]) errors: PlanProblem[];
  @Field({ nullable: true, description: 'The plan name, when valid.' }) name?: string;
  @Field(() => [String], { description: 'Phase names, when valid.' }) phases: string[];
  @Field(() => PlanImportReport, { nullable: true }) report?: PlanImportReport;
}
