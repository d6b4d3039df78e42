import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum ChecklistAction {
  COMPLETE = 'COMPLETE',
  APPROVE = 'APPROVE',
  REOPEN = 'REOPEN',
  SKIP = 'SKIP',
}
registerEnumType(ChecklistAction, {
  name: 'ChecklistAction',
  description: 'What a person may do to a checklist item (completeChecklistItem, approve…, reopen…, skip…).',
});

export enum RolloutAction {
  PAUSE = 'PAUSE',
  RESUME = 'RESUME',
  ROLL_BACK = 'ROLL_BACK',
  ABORT = 'ABORT',
}
registerEnumType(RolloutAction, {
  name: 'RolloutAction',
  description:
    'What a person may do to a rollout (pauseRollout, resumeRollout, triggerRollback, abortRollout).',
});

export enum RollbackStepAction {
  CONFIRM = 'CONFIRM',
  RETRY = 'RETRY',
  RESOLVE = 'RESOLVE',
}
registerEnumType(RollbackStepAction, {
  name: 'RollbackStepAction',
  description:
    'What a person may do to a rollback step (confirmRollbackStep, retryRollbackStep, resolveRollbackStep).',
});

@ObjectType({ description: 'Why the caller may not take a checklist action now, in the engine’s words.' })
export class ChecklistActionRefusal {
  @Field(() => ChecklistAction) action: ChecklistAction;
  @Field({ description: 'FORBIDDEN, CONFLICT, NOT_FOUND, BAD_USER_INPUT or UNAVAILABLE.' }) code: string;
  @Field() message: string;
}

@ObjectType({ description: 'Why the caller may not take a rollout action now, in the engine’s words.' })
export class RolloutActionRefusal {
  @Field(() => RolloutAction) action: RolloutAction;
  @Field() code: string;
  @Field() message: string;
}

@ObjectType({ description: 'Why the caller may not take a rollback step action now, in the engine’s words.' })
export class RollbackStepActionRefusal {
  @Field(() => RollbackStepAction) action: RollbackStepAction;
  @Field() code: string;
  @Field() message: string;
}
