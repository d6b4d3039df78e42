import { twoPhaseRollout } from '../test/support/plans';
import {
  checkCompleteItem,
  completeItem,
  completePhase,
  completeRollout,
  enterPhase,
  initialState,
  phaseChecklistDone,
} from './rollout-state';

const t0 = new Date('2026-11-22T10:00:00Z');
const t1 = new Date('2026-11-22T11:00:00Z');

describe('rollout state', () => {
  test('starts running, inside its first phase', () => {
    const state = initialState(twoPhaseRollout('r1'), t0);
    expect(state).toMatchObject({
      rolloutId: 'r1',
      plan: 'walking-skeleton',
      status: 'RUNNING',
      currentPhaseId: 'staging',
      startedBy: 'alice',
    });
    expect(state.phases.map((p) => [p.id, p.status, p.enteredAt])).toEqual([
      ['staging', 'RUNNING', t0.toISOString()],
      ['production', 'PENDING', undefined],
    ]);
  });

  test('refuses unknown, completed and out-of-phase items with the code the API maps', () => {
    const state = initialState(twoPhaseRollout('r1'), t0);
    expect(checkCompleteItem(state, { itemId: '', actor: 'a' })?.code).toBe('BAD_USER_INPUT');
    expect(checkCompleteItem(state, { itemId: 'nope', actor: 'a' })).toEqual({
      code: 'NOT_FOUND',
      message: 'Checklist item "nope" does not exist in rollout r1',
    });
    expect(checkCompleteItem(state, { itemId: 'go-no-go', actor: 'a' })?.code).toBe('CONFLICT');
    expect(checkCompleteItem(state, { itemId: 'smoke-tests', actor: 'a' })).toBeUndefined();

    completeItem(state, { itemId: 'smoke-tests', actor: 'bob', note: 'ok' }, t1);
    expect(checkCompleteItem(state, { itemId: 'smoke-tests', actor: 'a' })).toEqual({
      code: 'CONFLICT',
      message: `Checklist item "smoke-tests" was already completed by bob at ${t1.toISOString()}`,
    });
  });

  test('a phase is done when every item is, and the rollout records its transitions', () => {
    const state = initialState(twoPhaseRollout('r1'), t0);
    const [staging] = state.phases;
    completeItem(state, { itemId: 'smoke-tests', actor: 'bob' }, t1);
    expect(phaseChecklistDone(staging)).toBe(false);
    completeItem(state, { itemId: 'runbook-reviewed', actor: 'bob' }, t1);
    expect(phaseChecklistDone(staging)).toBe(true);

    completePhase(state, 'staging', t1);
    enterPhase(state, 'production', t1);
    expect(state.currentPhaseId).toBe('production');
    expect(() => completeItem(state, { itemId: 'smoke-tests', actor: 'bob' }, t1)).toThrow(
      /not in the current phase/,
    );
    completeRollout(state, t1);
    expect(state).toMatchObject({ status: 'COMPLETED', completedAt: t1.toISOString() });
  });
});
