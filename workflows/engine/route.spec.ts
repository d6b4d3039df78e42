import type { EngineState } from './messages';
import { routeItemAction, routeSignOff } from './route';

const plan = {
  phases: [
    { id: 'dogfood', checklist: [{ id: 'smoke' }, { id: 'shared' }] },
    { id: 'pilot', checklist: [{ id: 'onboard' }, { id: 'shared' }] },
  ],
} as never;
const state = (
  overrides: Partial<EngineState> = {},
): Pick<EngineState, 'rolloutId' | 'status' | 'currentPhaseId'> => ({
  rolloutId: 'r1',
  status: 'RUNNING',
  currentPhaseId: 'dogfood',
  ...overrides,
});

describe('routeItemAction', () => {
  test('an item of the current phase goes to that phase', () => {
    expect(routeItemAction(plan, state(), 'smoke')).toEqual({ ok: true, phaseId: 'dogfood' });
    expect(routeItemAction(plan, state({ status: 'PAUSED' }), 'smoke')).toMatchObject({ ok: true });
  });

  test('an item of another phase is a CONFLICT naming both phases', () => {
    expect(routeItemAction(plan, state(), 'onboard')).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'Checklist item "onboard" belongs to phase "pilot", which is not the current phase (dogfood)',
    });
  });

  test('an unknown item is NOT_FOUND; an item id shared by phases is routed by the phase named', () => {
    expect(routeItemAction(plan, state(), 'nope')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(routeItemAction(plan, state(), 'shared', 'pilot')).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(routeItemAction(plan, state(), 'shared', 'dogfood')).toEqual({ ok: true, phaseId: 'dogfood' });
    expect(routeItemAction(plan, state(), 'smoke', 'pilot')).toMatchObject({ code: 'NOT_FOUND' });
  });

  test('nothing is routed once the rollout is not running a phase', () => {
    for (const status of ['ROLLING_BACK', 'ROLLED_BACK', 'IN_REVIEW', 'COMPLETED'] as const)
      expect(routeItemAction(plan, state({ status }), 'smoke')).toMatchObject({
        ok: false,
        code: 'CONFLICT',
        message: `Rollout r1 is ${status}; checklist item "smoke" cannot be acted on`,
      });
  });
});

describe('routeSignOff', () => {
  test('only the current phase gate', () => {
    expect(routeSignOff(plan, state(), 'dogfood')).toEqual({ ok: true, phaseId: 'dogfood' });
    expect(routeSignOff(plan, state(), 'pilot')).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(routeSignOff(plan, state(), 'ga')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});
