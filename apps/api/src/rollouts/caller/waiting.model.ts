import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum WaitingKind {
  ITEM = 'ITEM',
  APPROVAL = 'APPROVAL',
  GATE = 'GATE',
  ROLLBACK_STEP = 'ROLLBACK_STEP',
}
registerEnumType(WaitingKind, {
  name: 'WaitingKind',
  description:
    'ITEM: a checklist item to complete; APPROVAL: done work to approve; GATE: a phase gate to sign; ROLLBACK_STEP: a failed rollback step to retry or resolve, or a manual one to confirm.',
});

export enum WaitingAction {
  COMPLETE = 'COMPLETE',
  APPROVE = 'APPROVE',
  REOPEN = 'REOPEN',
  SKIP = 'SKIP',
  SIGN_OFF = 'SIGN_OFF',
  CONFIRM = 'CONFIRM',
  RETRY = 'RETRY',
  RESOLVE = 'RESOLVE',
}
registerEnumType(WaitingAction, { name: 'WaitingAction', description: 'An action the caller may take now.' });

@ObjectType({
  description: 'One thing that waits on the caller: what, in which rollout and phase, since when.',
})
export class WaitingEntry {
  @Field(() => ID) rolloutId: string;
  @Field({
    nullable: true,
    description: "The rollout's title as the rollouts list shows it: given at start, else its plan's.",
  })
  rolloutTitle?: string;
  @Field({ description: "The plan's name." }) plan: string;
  @Field({ nullable: true }) phaseId?: string;
  @Field({ nullable: true }) phaseName?: string;
  @Field(() => WaitingKind) kind: WaitingKind;
  @Field({ nullable: true, description: 'The checklist item (ITEM, APPROVAL).' }) itemId?: string;
  @Field({ nullable: true }) itemTitle?: string;
  @Field({ nullable: true, description: 'manual, approval, automated … as the plan says.' })
  itemKind?: string;
  @Field({ nullable: true, description: 'The rollback step (ROLLBACK_STEP).' }) stepId?: string;
  @Field({ nullable: true }) stepTitle?: string;
  @Field(() => [WaitingAction], { description: 'What the caller may do to it now, by the engine’s rules.' })
  actions: WaitingAction[];
  @Field({
    nullable: true,
    description:
      'Since when it waits: the phase’s entry (an open item), the work’s completion (an approval), the last thing done in the phase (a gate), the step’s failure.',
  })
  since?: Date;
}

@ObjectType({ description: 'What waits on the caller across live rollouts (see Query.waitingOnMe).' })
export class WaitingOnMe {
  @Field(() => [WaitingEntry], { description: 'Oldest first, at most `first`.' }) entries: WaitingEntry[];
  @Field(() => Int, { description: 'Entries found in all (before `first`).' }) totalCount: number;
  @Field(() => Int, {
    description: 'Live rollouts looked at (at most WAITING_SCAN_CAP, most recently changed first).',
  })
  scanned: number;
  @Field({ description: 'More live rollouts exist than were looked at: narrow by plan to see the rest.' })
  truncated: boolean;
}
