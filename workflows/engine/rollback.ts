import {
  durationToMillis,
  type FlagValue,
  type RollbackLevel,
  type StepAction,
} from '../../libs/plan/src/model';

// Rollback as a saga: every side effect made going forward registers how to undo it; a rollback undoes them
// newest first, then runs the level's own steps. Progress is plain data so it survives continue-as-new and
// is what the API shows; a failed step is named and the rollout never claims ROLLED_BACK.

/** How to undo one forward side effect. */
export type Compensation =
  | {
      id: string;
      title: string;
      type: 'restore-flags';
      previous: Record<string, FlagValue | null>;
      segment?: string;
    }
  | { id: string; title: string; type: 'notify'; channel?: string; audience?: string; message: string };

/** One step of a running rollback: a compensation, or a step of the plan's rollback level. */
export type RollbackStepPlan =
  | { id: string; title: string; source: 'compensation'; compensation: Compensation }
  | { id: string; title: string; source: 'level'; action: StepAction };

/** RESOLVED: a person did the step by hand (after it failed) and said so; the rollback goes on past it. */
export type StepStatus = 'PENDING' | 'RUNNING' | 'DONE' | 'FAILED' | 'RESOLVED';

/** One step as the rollback has it: its plan, where it stands, and (once resolved by hand) by whom. */
export type RollbackStep = RollbackStepPlan & {
  status: StepStatus;
  error?: string;
  finishedAt?: number;
  /** Runs that failed so far (a retry runs it again). */
  failures?: number;
  resolvedBy?: string;
  note?: string;
  evidence?: string;
};

export interface RollbackProgress {
  level?: string;
  reason: string;
  requestedBy: string;
  rehearsal: boolean;
  startedAt: number;
  /** When the level's time budget runs out (epoch ms), if it has one. */
  budgetEndsAt?: number;
  overrunRecordedAt?: number;
  finishedAt?: number;
  steps: RollbackStep[];
}

export function planRollback(
  compensations: Compensation[],
  level: RollbackLevel | undefined,
  request: { reason: string; requestedBy: string; rehearsal?: boolean },
  now: number,
): RollbackProgress {
  const budget = level?.budget ? durationToMillis(level.budget) : undefined;
  const undo: RollbackStepPlan[] = [...compensations]
    .reverse()
    .map((c) => ({ id: `undo-${c.id}`, title: c.title, source: 'compensation', compensation: c }));
  const own: RollbackStepPlan[] = (level?.steps ?? []).map((s) => ({
    id: s.id,
    title: s.title,
    source: 'level',
    action: s.action,
  }));
  return {
    level: level?.id,
    reason: request.reason,
    requestedBy: request.requestedBy,
    rehearsal: request.rehearsal ?? false,
    startedAt: now,
    budgetEndsAt: budget === undefined ? undefined : now + budget,
    steps: [...undo, ...own].map((s) => ({ ...s, status: 'PENDING' })),
  };
}

/** The next step to run, or undefined when none is left (or one has failed: a saga stops there). */
export function nextStep(progress: RollbackProgress): RollbackStep | undefined {
  if (progress.steps.some((s) => s.status === 'FAILED')) return undefined;
  return progress.steps.find((s) => s.status === 'PENDING' || s.status === 'RUNNING');
}

export function markStep(
  progress: RollbackProgress,
  stepId: string,
  status: StepStatus,
  now: number,
  error?: string,
): void {
  const step = progress.steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`unknown rollback step ${stepId}`);
  step.status = status;
  if (status === 'DONE' || status === 'FAILED' || status === 'RESOLVED') step.finishedAt = now;
  if (status === 'FAILED') step.failures = (step.failures ?? 0) + 1;
  if (error) step.error = error;
  if (!nextStep(progress)) progress.finishedAt = now;
}

export type RollbackOutcome =
  | { status: 'ROLLING_BACK' }
  | { status: 'ROLLED_BACK' }
  | { status: 'ROLLBACK_FAILED'; step: string; error: string };

export function rollbackOutcome(progress: RollbackProgress): RollbackOutcome {
  const failed = progress.steps.find((s) => s.status === 'FAILED');
  if (failed) return { status: 'ROLLBACK_FAILED', step: failed.id, error: failed.error ?? 'failed' };
  return progress.steps.every(isFinished) ? { status: 'ROLLED_BACK' } : { status: 'ROLLING_BACK' };
}

/** Done by the engine, or resolved by a person: the rollback may go past it. */
export const isFinished = (step: RollbackStep): boolean =>
  step.status === 'DONE' || step.status === 'RESOLVED';

/** The step the saga stopped at, if one failed. */
export const failedStep = (progress: RollbackProgress | undefined): RollbackStep | undefined =>
  progress?.steps.find((s) => s.status === 'FAILED');

/** A failed step is to run again: it is pending once more, and the rollback is no longer finished. */
export function retryStep(progress: RollbackProgress, stepId: string): void {
  const step = progress.steps.find((s) => s.id === stepId && s.status === 'FAILED');
  if (!step) throw new Error(`rollback step ${stepId} has not failed`);
  step.status = 'PENDING';
  step.finishedAt = undefined;
  progress.finishedAt = undefined;
}

/** A person did a failed step by hand: it is RESOLVED (by whom, how, with what evidence) and the saga goes on. */
export function resolveStep(
  progress: RollbackProgress,
  stepId: string,
  resolution: { by: string; note: string; evidence?: string },
  now: number,
): void {
  const step = progress.steps.find((s) => s.id === stepId && s.status === 'FAILED');
  if (!step) throw new Error(`rollback step ${stepId} has not failed`);
  Object.assign(step, {
    status: 'RESOLVED',
    resolvedBy: resolution.by,
    note: resolution.note,
    finishedAt: now,
  });
  if (resolution.evidence !== undefined) step.evidence = resolution.evidence;
  progress.finishedAt = nextStep(progress) ? undefined : now;
}

/** The steps people resolved by hand, and by whom: what the final audit entry of a rollback lists. */
export const resolvedByHand = (progress: RollbackProgress | undefined) =>
  (progress?.steps ?? [])
    .filter((s) => s.status === 'RESOLVED')
    .map((s) => ({ step: s.id, title: s.title, resolvedBy: s.resolvedBy ?? '', note: s.note ?? '' }));

/** True once the budget has run out with steps still left, and the overrun is not yet recorded. */
export function budgetOverrun(progress: RollbackProgress, now: number): boolean {
  return (
    progress.budgetEndsAt !== undefined &&
    progress.overrunRecordedAt === undefined &&
    progress.finishedAt === undefined &&
    now >= progress.budgetEndsAt
  );
}
