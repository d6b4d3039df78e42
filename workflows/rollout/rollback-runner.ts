import type { EngineStatus } from '../engine/messages';
import {
  failedStep,
  markStep,
  nextStep,
  resolveStep,
  retryStep,
  rollbackOutcome,
  type RollbackOutcome,
  type RollbackProgress,
  type RollbackStep,
} from '../engine/rollback';

// Runs a rollback saga step by step: compensations newest first, then the level's own steps. A step that
// cannot be done leaves the rollout ROLLBACK_FAILED, still open, until a person retries it or resolves it by
// hand; then the rollback goes on. What it runs on (activities, workflow conditions, transitions) is passed
// in, so the runner is tested on its own (rollback-runner.spec.ts) and the workflow only wires it.

/** A retry or resolution of the failed step, as a person asked for it (validated and audited). */
export type StepAction =
  | { kind: 'retry'; stepId: string; actor: string }
  | { kind: 'resolve'; stepId: string; actor: string; note: string; evidence?: string };

export interface RollbackRunnerDeps {
  /** Does one step's side effect (an activity); throws when it cannot be done. Manual steps never reach it. */
  run(step: RollbackStep): Promise<void>;
  /** Waits until `check` holds (a workflow `condition`). */
  waitUntil(check: () => boolean): Promise<unknown>;
  now(): number;
  /** Whether a person has confirmed this manual step (and the confirmation is recorded). */
  confirmed(stepId: string): boolean;
  /** The rollout was cancelled in Temporal: the rollback stops where it is. */
  stopped(): boolean;
  /**
   * Recoverable rollback (patched): a failed step keeps the rollout open as ROLLBACK_FAILED. Without it (runs
   * recorded before), the rollback ends at the failed step.
   */
  recoverable: boolean;
  transition(status: EngineStatus, what: string, actor?: string): Promise<void>;
  /** Tells the escalation channel that this step failed (once per step: a stable idempotency key). */
  escalate(step: RollbackStep): Promise<void>;
  /** The retry or resolution waiting to be taken up, once it is recorded; undefined while there is none. */
  pendingAction(): StepAction | undefined;
  /** Called once the action is applied and its transition written: its Update may answer. */
  actionDone(): void;
}

/** The step's error as a person reads it (an activity failure's cause, else the error itself). */
export function failureMessage(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  return e.cause?.message ?? e.message ?? String(err);
}

const isManual = (step: RollbackStep): boolean => step.source === 'level' && step.action.type === 'manual';

/**
 * Runs the rollback until it is over: ROLLED_BACK, ROLLBACK_FAILED (only when not recoverable), or `stopped`
 * (cancelled in Temporal). The final transition is the caller's.
 */
export async function runRollback(
  progress: RollbackProgress,
  deps: RollbackRunnerDeps,
): Promise<RollbackOutcome | { status: 'STOPPED' }> {
  for (;;) {
    for (let step = nextStep(progress); step && !deps.stopped(); step = nextStep(progress)) {
      markStep(progress, step.id, 'RUNNING', deps.now());
      if (isManual(step)) {
        const { id } = step;
        await deps.waitUntil(() => deps.confirmed(id) || deps.stopped());
        if (!deps.confirmed(id)) break;
        markStep(progress, id, 'DONE', deps.now());
        continue;
      }
      try {
        await deps.run(step);
        markStep(progress, step.id, 'DONE', deps.now());
      } catch (err) {
        markStep(progress, step.id, 'FAILED', deps.now(), failureMessage(err));
      }
    }
    if (deps.stopped()) return { status: 'STOPPED' };
    const outcome = rollbackOutcome(progress);
    if (outcome.status !== 'ROLLBACK_FAILED' || !deps.recoverable) return outcome;

    const failed = failedStep(progress) as RollbackStep;
    await deps.transition('ROLLBACK_FAILED', `rollback failed at step ${outcome.step}: ${outcome.error}`);
    await deps.escalate(failed);
    await deps.waitUntil(() => deps.stopped() || deps.pendingAction() !== undefined);
    const action = deps.pendingAction();
    if (deps.stopped() || !action) return { status: 'STOPPED' };
    if (action.kind === 'retry') {
      retryStep(progress, action.stepId);
      await deps.transition(
        'ROLLING_BACK',
        `rollback step ${action.stepId} retried by ${action.actor}`,
        action.actor,
      );
    } else {
      const { actor: by, note, evidence } = action;
      resolveStep(progress, action.stepId, { by, note, evidence }, deps.now());
      await deps.transition(
        'ROLLING_BACK',
        `rollback step ${action.stepId} resolved by hand by ${by}: ${note}`,
        action.actor,
      );
    }
    deps.actionDone();
  }
}
