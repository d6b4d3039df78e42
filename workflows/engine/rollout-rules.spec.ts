import { quickLevel } from './engine.fixtures';
import type { EngineStatus } from './messages';
import type { Actor } from './phase';
import { markStep, planRollback } from './rollback';
import {
  checkAbort,
  checkConfirmStep,
  checkPause,
  checkResolveStep,
  checkResume,
  checkRetryStep,
  checkRollback,
  isOver,
  outcomeFailure,
  rolloutPolicy,
  type RolloutView,
} from './rollout-rules';

const ops: Actor = { id: 'olga', roles: ['operator'] };
const viewer: Actor = { id: 'v', roles: ['viewer'] };
const policy = rolloutPolicy();
const view = (status: EngineStatus, extra: Partial<RolloutView> = {}): RolloutView => ({
  rolloutId: 'r1',
  status,
  levels: ['quick', 'data'],
  ...extra,
});

/** A rollback of the quick level whose deploy hook failed. */
function failedAtRevert(): RolloutView {
  const rollback = planRollback([], quickLevel, { reason: 'r', requestedBy: 'olga' }, 0);
  markStep(rollback, 'revert-deployment', 'FAILED', 1, 'HTTP 500');
  return view('ROLLBACK_FAILED', { rollback });
}

describe('rollout rules', () => {
  test('operators come from ROLE_POLICY, compared as plans write roles, and a rollout may override them', () => {
    expect(policy.operatorRoles).toEqual(['admin', 'release-manager', 'operator']);
    expect(checkPause(view('RUNNING'), ops, policy)).toBeUndefined();
    expect(checkPause(view('RUNNING'), { id: 'x', roles: ['Release Manager'] }, policy)).toBeUndefined();
    expect(checkPause(view('RUNNING'), viewer, policy)).toEqual({
      code: 'FORBIDDEN',
      message: 'Only admin, release-manager, operator may pause a rollout',
    });
    const sre = rolloutPolicy({ operatorRoles: ['sre'] });
    expect(checkPause(view('RUNNING'), ops, sre)?.code).toBe('FORBIDDEN');
    expect(checkPause(view('RUNNING'), { id: 's', roles: ['SRE'] }, sre)).toBeUndefined();
    expect(checkPause(view('RUNNING'), { id: 'a', roles: ['admin'] }, sre)).toBeUndefined();
  });

  test('liveness: an ended rollout, a rollback under way and a failed rollback step each say so', () => {
    expect(checkPause(view('COMPLETED'), ops, policy)?.message).toBe(
      'Rollout r1 has ended (COMPLETED); cannot pause',
    );
    expect(checkAbort(view('ROLLING_BACK'), { actor: ops, reason: 'x' }, policy)?.message).toBe(
      'Rollout r1 is rolling back; cannot abort',
    );
    expect(checkRollback(failedAtRevert(), { actor: ops, reason: 'x' }, policy)?.message).toBe(
      'Rollout r1 is waiting on failed rollback step "revert-deployment" (retry or resolve it); cannot roll back',
    );
    expect(checkPause(view('PAUSED'), ops, policy)?.message).toBe('Rollout r1 is already paused');
    expect(checkResume(view('RUNNING'), ops, policy)?.message).toBe('Rollout r1 is not paused (RUNNING)');
    expect(checkResume(view('PAUSED'), ops, policy)).toBeUndefined();
  });

  test('ROLLBACK_FAILED is not an end, except for runs recorded before it could be recovered', () => {
    expect(isOver(view('ROLLBACK_FAILED'))).toBe(false);
    expect(isOver(view('ROLLBACK_FAILED', { rollbackFailedEnds: true }))).toBe(true);
    expect(isOver(view('ROLLED_BACK'))).toBe(true);
    expect(isOver(view('WAITING_FOR_SIGN_OFF'))).toBe(false);
  });

  test('a rollback needs a reason and a level of the plan; an abort needs a reason', () => {
    expect(checkRollback(view('RUNNING'), { actor: ops, reason: ' ' }, policy)?.code).toBe('BAD_USER_INPUT');
    expect(checkRollback(view('RUNNING'), { actor: ops, reason: 'x', level: 'nope' }, policy)).toEqual({
      code: 'NOT_FOUND',
      message: 'Rollback level "nope" is not in the plan (levels: quick, data)',
    });
    expect(checkRollback(view('PAUSED'), { actor: ops, reason: 'x', level: 'data' }, policy)).toBeUndefined();
    expect(checkAbort(view('IN_REVIEW'), { actor: ops, reason: '' }, policy)?.code).toBe('BAD_USER_INPUT');
    expect(checkAbort(view('IN_REVIEW'), { actor: viewer, reason: 'x' }, policy)?.code).toBe('FORBIDDEN');
  });

  test('a manual step is confirmed only while the rollback waits for it', () => {
    const rollback = planRollback(
      [],
      {
        ...quickLevel,
        steps: [{ id: 'look', title: 'Look', action: { type: 'manual' } }, ...quickLevel.steps],
      },
      { reason: 'r', requestedBy: 'olga' },
      0,
    );
    const v = view('ROLLING_BACK', { rollback });
    expect(checkConfirmStep(v, { actor: ops, stepId: 'look' }, policy)).toBeUndefined();
    expect(checkConfirmStep(v, { actor: viewer, stepId: 'look' }, policy)?.code).toBe('FORBIDDEN');
    expect(checkConfirmStep(v, { actor: ops, stepId: 'banner' }, policy)?.message).toBe(
      'Rollback step "banner" is not waiting for a person',
    );
  });

  test('retry and resolve: operators, only the failed step, only while ROLLBACK_FAILED, one at a time', () => {
    const v = failedAtRevert();
    const step = { actor: ops, stepId: 'revert-deployment' };
    expect(checkRetryStep(v, step, policy)).toBeUndefined();
    expect(checkResolveStep(v, { ...step, note: 'reverted by hand' }, policy)).toBeUndefined();
    expect(checkRetryStep(v, { ...step, actor: viewer }, policy)?.code).toBe('FORBIDDEN');
    expect(checkRetryStep(v, { actor: ops, stepId: 'banner' }, policy)).toEqual({
      code: 'CONFLICT',
      message: 'Rollback step "banner" has not failed (the failed step is "revert-deployment")',
    });
    expect(checkRetryStep(v, { actor: ops, stepId: 'nope' }, policy)?.code).toBe('NOT_FOUND');
    expect(checkResolveStep(v, { ...step, note: ' ' }, policy)?.code).toBe('BAD_USER_INPUT');
    expect(checkRetryStep({ ...v, stepActionPending: true }, step, policy)?.code).toBe('CONFLICT');
    expect(checkRetryStep({ ...v, status: 'ROLLING_BACK' }, step, policy)?.message).toBe(
      'Rollout r1 has no failed rollback step (ROLLING_BACK)',
    );
    expect(checkRetryStep({ ...v, rollbackFailedEnds: true }, step, policy)?.code).toBe('CONFLICT');
  });

  test('only COMPLETED closes Completed: the others say who and why', () => {
    expect(outcomeFailure('ROLLED_BACK', 'alice', 'error budget burn')).toEqual({
      type: 'ROLLED_BACK',
      message: 'Rolled back by alice: error budget burn',
    });
    expect(outcomeFailure('ABORTED', 'bob', 'pilot cancelled')).toEqual({
      type: 'ABORTED',
      message: 'Aborted by bob: pilot cancelled',
    });
    expect(outcomeFailure('COMPLETED', 'engine', '')).toBeUndefined();
    expect(outcomeFailure('ROLLBACK_FAILED', 'engine', '')).toBeUndefined();
  });
});
