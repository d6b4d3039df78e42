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

export type StepStatus = 'PENDING' | 'RUNNING' | 'DONE' | 'FAILED';

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
  steps: (RollbackStepPlan & { status: StepStatus; error?: string; finishedAt?: number })[];
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
export function nextStep(progress: RollbackProgress): RollbackProgress['steps'][number] | undefined {
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
  if (status === 'DONE' || status === 'FAILED') step.finishedAt = now;
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
  return progress.steps.every((s) => s.status === 'DONE')
    ? { status: 'ROLLED_BACK' }
    : { status: 'ROLLING_BACK' };
}

/** True once the budget has run out with steps still left, and the overrun is not yet recorded. */
export function budgetOverrun(progress: RollbackProgress, now: number): boolean {
  return (
    progress.budgetEndsAt !== undefined &&
    progress.overrunRecordedAt === undefined &&
    progress.finishedAt === undefined &&
    now >= progress.budgetEndsAt
  );
}
