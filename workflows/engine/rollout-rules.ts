import type { RefusalCode } from '../refusals';
import { holdsAny, type Refusal } from './actions';
import { hasEnded, type EngineStatus, type RollbackRequest } from './messages';
import type { Actor } from './phase';
import { ROLE_POLICY } from './policy';
import { failedStep, nextStep, type RollbackProgress } from './rollback';

// Human actions on a rollout itself (pause, resume, abort, roll back, a rollback step's confirmation, retry
// or resolution): each is checked here first, as engine/actions.ts checks a phase's. A refusal changes
// nothing and, thrown from an Update validator, leaves no trace in history. Pure: no workflow APIs.

/** Who may act on a rollout: ROLE_POLICY, with what a rollout's parameters override. */
export interface RolloutPolicy {
  superRoles: string[];
  operatorRoles: string[];
}

export function rolloutPolicy(overrides?: Partial<RolloutPolicy>): RolloutPolicy {
  return {
    superRoles: [...(overrides?.superRoles ?? ROLE_POLICY.superRoles)],
    operatorRoles: [...(overrides?.operatorRoles ?? ROLE_POLICY.operatorRoles)],
  };
}

/** What the rules read of a rollout. */
export interface RolloutView {
  rolloutId: string;
  status: EngineStatus;
  rollback?: RollbackProgress;
  /** The plan's rollback levels. */
  levels: string[];
  /** A retry or resolution accepted and not yet taken up by the rollback. */
  stepActionPending?: boolean;
  /** Runs recorded before issue 12 ended at ROLLBACK_FAILED. */
  rollbackFailedEnds?: boolean;
}

const refuse = (code: RefusalCode, message: string): Refusal => ({ code, message });

/** Whether nothing moves the rollout on any more (for older runs, ROLLBACK_FAILED too). */
export const isOver = (view: Pick<RolloutView, 'status' | 'rollbackFailedEnds'>): boolean =>
  hasEnded(view.status) || (view.rollbackFailedEnds === true && view.status === 'ROLLBACK_FAILED');

function operator(actor: Actor, policy: RolloutPolicy, what: string): Refusal | undefined {
  const roles = [...new Set([...policy.operatorRoles, ...policy.superRoles])];
  return holdsAny(actor, roles) ? undefined : refuse('FORBIDDEN', `Only ${roles.join(', ')} may ${what}`);
}

/** Refused on a rollout that has ended, is rolling back, or waits on a failed rollback step. */
function live(view: RolloutView, what: string): Refusal | undefined {
  const { rolloutId, status } = view;
  if (isOver(view)) return refuse('CONFLICT', `Rollout ${rolloutId} has ended (${status}); cannot ${what}`);
  if (status === 'ROLLING_BACK')
    return refuse('CONFLICT', `Rollout ${rolloutId} is rolling back; cannot ${what}`);
  if (status === 'ROLLBACK_FAILED') {
    const step = failedStep(view.rollback);
    return refuse(
      'CONFLICT',
      `Rollout ${rolloutId} is waiting on failed rollback step "${step?.id ?? '?'}" (retry or resolve it); cannot ${what}`,
    );
  }
  return undefined;
}

export function checkPause(view: RolloutView, actor: Actor, policy: RolloutPolicy): Refusal | undefined {
  return (
    operator(actor, policy, 'pause a rollout') ??
    live(view, 'pause') ??
    (view.status === 'PAUSED' ? refuse('CONFLICT', `Rollout ${view.rolloutId} is already paused`) : undefined)
  );
}

export function checkResume(view: RolloutView, actor: Actor, policy: RolloutPolicy): Refusal | undefined {
  return (
    operator(actor, policy, 'resume a rollout') ??
    (view.status !== 'PAUSED'
      ? refuse('CONFLICT', `Rollout ${view.rolloutId} is not paused (${view.status})`)
      : undefined)
  );
}

export function checkRollback(
  view: RolloutView,
  req: RollbackRequest,
  policy: RolloutPolicy,
): Refusal | undefined {
  const refused = operator(req.actor, policy, 'roll back a rollout') ?? live(view, 'roll back');
  if (refused) return refused;
  if (!req.reason?.trim()) return refuse('BAD_USER_INPUT', 'A rollback needs a reason');
  if (req.level && !view.levels.includes(req.level)) {
    const known = view.levels.join(', ') || 'none';
    return refuse('NOT_FOUND', `Rollback level "${req.level}" is not in the plan (levels: ${known})`);
  }
  return undefined;
}

export function checkAbort(
  view: RolloutView,
  req: { actor: Actor; reason: string },
  policy: RolloutPolicy,
): Refusal | undefined {
  const refused = operator(req.actor, policy, 'abort a rollout') ?? live(view, 'abort');
  if (refused) return refused;
  return req.reason?.trim() ? undefined : refuse('BAD_USER_INPUT', 'Aborting needs a reason');
}

/** A manual step of the rollback level, while the rollback waits for a person to do it. */
export function checkConfirmStep(
  view: RolloutView,
  req: { actor: Actor; stepId: string },
  policy: RolloutPolicy,
): Refusal | undefined {
  const refused = operator(req.actor, policy, 'confirm a rollback step');
  if (refused) return refused;
  const step = view.rollback && nextStep(view.rollback);
  if (!step || step.id !== req.stepId || step.source !== 'level' || step.action.type !== 'manual')
    return refuse('CONFLICT', `Rollback step "${req.stepId}" is not waiting for a person`);
  return undefined;
}

/** A retry or a resolution: only of the failed step, while the rollout is ROLLBACK_FAILED. */
function checkFailedStep(view: RolloutView, stepId: string): Refusal | undefined {
  if (view.status !== 'ROLLBACK_FAILED' || view.rollbackFailedEnds)
    return refuse('CONFLICT', `Rollout ${view.rolloutId} has no failed rollback step (${view.status})`);
  if (view.stepActionPending)
    return refuse('CONFLICT', `A retry or resolution of a rollback step of ${view.rolloutId} is under way`);
  const failed = failedStep(view.rollback);
  if (!view.rollback?.steps.some((s) => s.id === stepId))
    return refuse('NOT_FOUND', `Rollback step "${stepId}" is not in the rollback`);
  if (failed?.id !== stepId)
    return refuse(
      'CONFLICT',
      `Rollback step "${stepId}" has not failed (the failed step is "${failed?.id ?? '?'}")`,
    );
  return undefined;
}

export function checkRetryStep(
  view: RolloutView,
  req: { actor: Actor; stepId: string },
  policy: RolloutPolicy,
): Refusal | undefined {
  return operator(req.actor, policy, 'retry a rollback step') ?? checkFailedStep(view, req.stepId);
}

export function checkResolveStep(
  view: RolloutView,
  req: { actor: Actor; stepId: string; note: string },
  policy: RolloutPolicy,
): Refusal | undefined {
  const refused = operator(req.actor, policy, 'resolve a rollback step') ?? checkFailedStep(view, req.stepId);
  if (refused) return refused;
  return req.note?.trim()
    ? undefined
    : refuse('BAD_USER_INPUT', 'Resolving a rollback step needs a note saying what was done by hand');
}

/** How a rollout that did not complete closes in Temporal: the outcome as the failure's type, and who and why. */
export function outcomeFailure(
  status: EngineStatus,
  actor: string,
  reason: string,
): { type: string; message: string } | undefined {
  if (status === 'ROLLED_BACK') return { type: status, message: `Rolled back by ${actor}: ${reason}` };
  if (status === 'ABORTED') return { type: status, message: `Aborted by ${actor}: ${reason}` };
  return undefined;
}
