import { quickLevel } from './engine.fixtures';
import {
  budgetOverrun,
  markStep,
  nextStep,
  planRollback,
  rollbackOutcome,
  type Compensation,
} from './rollback';

const t0 = Date.UTC(2026, 10, 1);
const compensations: Compensation[] = [
  {
    id: 'flags-pilot',
    title: 'Restore flags changed entering Pilot',
    type: 'restore-flags',
    previous: { kwik: false },
  },
  {
    id: 'flags-limited',
    title: 'Restore flags changed entering Limited',
    type: 'restore-flags',
    previous: { dir: null },
  },
];

describe('rollback saga', () => {
  test('undoes forward effects newest first, then runs the level steps', () => {
    const progress = planRollback(
      compensations,
      quickLevel,
      { reason: 'error rate', requestedBy: 'engine' },
      t0,
    );
    expect(progress.steps.map((s) => s.id)).toEqual([
      'undo-flags-limited',
      'undo-flags-pilot',
      'revert-deployment',
      'banner',
    ]);
    expect(progress.budgetEndsAt).toBe(t0 + 5 * 60_000);
    expect(rollbackOutcome(progress)).toEqual({ status: 'ROLLING_BACK' });
  });

  test('all steps done is ROLLED_BACK; a failed step stops the saga and is named', () => {
    const ok = planRollback(compensations, quickLevel, { reason: 'r', requestedBy: 'a' }, t0);
    for (let step = nextStep(ok); step; step = nextStep(ok)) markStep(ok, step.id, 'DONE', t0 + 1000);
    expect(rollbackOutcome(ok)).toEqual({ status: 'ROLLED_BACK' });
    expect(ok.finishedAt).toBe(t0 + 1000);

    const bad = planRollback(compensations, quickLevel, { reason: 'r', requestedBy: 'a' }, t0);
    markStep(bad, 'undo-flags-limited', 'DONE', t0);
    markStep(bad, 'undo-flags-pilot', 'DONE', t0);
    markStep(bad, 'revert-deployment', 'FAILED', t0, 'HTTP 500 from deploy hook');
    expect(nextStep(bad)).toBeUndefined();
    expect(rollbackOutcome(bad)).toEqual({
      status: 'ROLLBACK_FAILED',
      step: 'revert-deployment',
      error: 'HTTP 500 from deploy hook',
    });
    expect(bad.steps[3].status).toBe('PENDING');
  });

  test('a budget overrun is flagged once, and only while steps remain', () => {
    const progress = planRollback([], quickLevel, { reason: 'r', requestedBy: 'a' }, t0);
    expect(budgetOverrun(progress, t0 + 4 * 60_000)).toBe(false);
    expect(budgetOverrun(progress, t0 + 5 * 60_000)).toBe(true);
    progress.overrunRecordedAt = t0 + 5 * 60_000;
    expect(budgetOverrun(progress, t0 + 6 * 60_000)).toBe(false);
    const noBudget = planRollback([], undefined, { reason: 'r', requestedBy: 'a' }, t0);
    expect(noBudget.steps).toEqual([]);
    expect(rollbackOutcome(noBudget)).toEqual({ status: 'ROLLED_BACK' });
  });
});
