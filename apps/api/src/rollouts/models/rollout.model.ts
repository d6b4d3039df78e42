import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum RolloutStatus {
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
}
registerEnumType(RolloutStatus, { name: 'RolloutStatus', description: 'Where a rollout stands.' });

export enum PhaseStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
}
registerEnumType(PhaseStatus, { name: 'PhaseStatus' });

@ObjectType({ description: 'One item of a phase checklist.' })
export class ChecklistItem {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field() completed: boolean;
  @Field({ nullable: true }) completedBy?: string;
  @Field({ nullable: true }) completedAt?: Date;
  @Field({ nullable: true }) note?: string;
}

@ObjectType()
export class Phase {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => PhaseStatus) status: PhaseStatus;
  @Field({ nullable: true }) enteredAt?: Date;
  @Field({ nullable: true }) completedAt?: Date;
  @Field(() => [ChecklistItem]) checklist: ChecklistItem[];
}

@ObjectType({ description: 'A rollout as its workflow reports it.' })
export class Rollout {
  @Field(() => ID) id: string;
  @Field({ description: 'The plan this rollout runs.' }) plan: string;
  @Field({ nullable: true }) title?: string;
  @Field(() => RolloutStatus) status: RolloutStatus;
  @Field({ nullable: true, description: 'The phase the rollout is in (the last one once completed).' })
  currentPhase?: string;
  @Field() startedBy: string;
  @Field() startedAt: Date;
  @Field({ nullable: true }) completedAt?: Date;
  @Field(() => [Phase]) phases: Phase[];
  @Field({ description: 'The Temporal workflow ID (rollout-<id>).' }) workflowId: string;
  @Field({ description: 'Link to the workflow in the Temporal Web UI.' }) webUiUrl: string;
}
