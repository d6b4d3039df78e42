import { quickLevel } from './engine.fixtures';
import {
  budgetOverrun,
  failedStep,
  isFinished,
  markStep,
  nextStep,
  planRollback,
  resolvedByHand,
  resolveStep,
  retryStep,
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

describe('recoverable rollback', () => {
  const failed = () => {
    const progress = planRollback(compensations, quickLevel, { reason: 'r', requestedBy: 'a' }, t0);
    markStep(progress, 'undo-flags-limited', 'DONE', t0);
    markStep(progress, 'undo-flags-pilot', 'DONE', t0);
    markStep(progress, 'revert-deployment', 'FAILED', t0 + 1, 'no URL configured');
    return progress;
  };

  test('a retried step is pending again and the rollback unfinished', () => {
    const progress = failed();
    expect(failedStep(progress)?.failures).toBe(1);
    retryStep(progress, 'revert-deployment');
    expect(progress.finishedAt).toBeUndefined();
    expect(nextStep(progress)?.id).toBe('revert-deployment');
    expect(() => retryStep(progress, 'banner')).toThrow(/has not failed/);
  });

  test('a step resolved by hand counts as finished; the rollout ends ROLLED_BACK and names who', () => {
    const progress = failed();
    resolveStep(
      progress,
      'revert-deployment',
      { by: 'rita', note: 'reverted by hand', evidence: 'OPS-7' },
      t0 + 2,
    );
    expect(progress.steps[2]).toMatchObject({ status: 'RESOLVED', resolvedBy: 'rita', evidence: 'OPS-7' });
    expect(nextStep(progress)?.id).toBe('banner');
    expect(rollbackOutcome(progress)).toEqual({ status: 'ROLLING_BACK' });
    markStep(progress, 'banner', 'DONE', t0 + 3);
    expect(rollbackOutcome(progress)).toEqual({ status: 'ROLLED_BACK' });
    expect(isFinished(progress.steps[2])).toBe(true);
    expect(resolvedByHand(progress)).toEqual([
      {
        step: 'revert-deployment',
        title: 'Revert deployment to previous version',
        resolvedBy: 'rita',
        note: 'reverted by hand',
      },
    ]);
  });

  test('resolving the last step finishes the rollback', () => {
    const progress = planRollback([], quickLevel, { reason: 'r', requestedBy: 'a' }, t0);
    markStep(progress, 'revert-deployment', 'DONE', t0);
    markStep(progress, 'banner', 'FAILED', t0, 'chat down');
    resolveStep(progress, 'banner', { by: 'rita', note: 'posted by hand' }, t0 + 5);
    expect(progress.finishedAt).toBe(t0 + 5);
    expect(rollbackOutcome(progress)).toEqual({ status: 'ROLLED_BACK' });
  });
});
