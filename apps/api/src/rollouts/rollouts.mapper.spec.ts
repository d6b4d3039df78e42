import type { RolloutProjection } from '../../../../libs/persistence/src';
import type { EngineState, EngineStatus } from '../../../../workflows/engine/messages';
import { ReviewStatus, RollbackStepStatus, RolloutStatus } from './models/rollout.model';
import { toRolloutModel, toRolloutSummary, type RolloutContext } from './rollouts.mapper';

const DAY = 86_400_000;
const now = Date.UTC(2026, 11, 1);
const ctx = { workflowId: 'rollout-r1', webUiUrl: 'http://ui/rollout-r1', now };

function state(status: EngineStatus, over: Partial<EngineState> = {}): EngineState {
  return {
    rolloutId: 'r1',
    plan: 'merchant-platform',
    status,
    breaches: [],
    startedBy: 'rita',
    startedAt: now - 30 * DAY,
    phases: [
      { id: 'dogfood', name: 'Dogfood', status: 'COMPLETED' },
      { id: 'pilot', name: 'Pilot', status: 'PENDING' },
    ],
    compensations: [],
    reviews: [
      { id: 'week-2', title: 'Week 2 review', dueAt: now - DAY },
      { id: 'week-4', title: 'Week 4 review', dueAt: now + 13 * DAY },
      { id: 'month-3', title: 'Month 3 review' },
    ],
    events: [],
    ...over,
  };
}

describe('rollout model', () => {
  test('reviews: due once their time has come, open before, done once completed', () => {
    const inReview = state('IN_REVIEW');
    inReview.reviews[0] = { ...inReview.reviews[0], completedBy: 'rita', completedAt: now - 1000 };
    inReview.reviews.push({ id: 'late', title: 'Late review', dueAt: now - 1 });
    expect(toRolloutModel(inReview, ctx).reviews.map((r) => [r.id, r.status])).toEqual([
      ['week-2', ReviewStatus.DONE],
      ['week-4', ReviewStatus.OPEN],
      ['month-3', ReviewStatus.OPEN],
      ['late', ReviewStatus.DUE],
    ]);
  });

  test.each(['ROLLED_BACK', 'ABORTED', 'ROLLING_BACK', 'ROLLBACK_FAILED'] as const)(
    'the reviews of a %s rollout (it did not launch) are cancelled',
    (status) => {
      const model = toRolloutModel(state(status), ctx);
      expect(model.reviews.map((r) => r.status)).toEqual([
        ReviewStatus.CANCELLED,
        ReviewStatus.CANCELLED,
        ReviewStatus.CANCELLED,
      ]);
    },
  );

  test("the engine's own review status wins: cancelled, due", () => {
    const rolledBack = state('IN_REVIEW');
    rolledBack.reviews[1] = { ...rolledBack.reviews[1], status: 'CANCELLED', cancelledAt: now };
    rolledBack.reviews[2] = { ...rolledBack.reviews[2], status: 'DUE' };
    const reviews = toRolloutModel(rolledBack, ctx).reviews;
    expect(reviews.map((r) => r.status)).toEqual([
      ReviewStatus.DUE,
      ReviewStatus.CANCELLED,
      ReviewStatus.DUE,
    ]);
    expect(reviews[1].cancelledAt).toEqual(new Date(now));
  });

  test('a terminated rollout (the projection says so) reads TERMINATED, its reviews cancelled', () => {
    const model = toRolloutModel(state('RUNNING'), { ...ctx, terminated: true });
    expect(model.status).toBe(RolloutStatus.TERMINATED);
    expect(model.reviews.every((r) => r.status === ReviewStatus.CANCELLED)).toBe(true);
    expect(toRolloutModel(state('RUNNING'), ctx).status).toBe(RolloutStatus.RUNNING);
  });

  test('a rollback step done by hand is RESOLVED, with who did it, the note and the evidence', () => {
    const failed = state('ROLLING_BACK', {
      rollback: {
        level: 'quick',
        reason: 'error rate up',
        requestedBy: 'olga',
        rehearsal: false,
        startedAt: now - 1000,
        steps: [
          {
            id: 'undo-flags',
            title: 'Restore flags',
            source: 'compensation',
            compensation: { id: 'flags', title: 'Restore flags', type: 'restore-flags', previous: {} },
            status: 'DONE',
            finishedAt: now,
          },
          {
            id: 'revert',
            title: 'Revert deployment',
            source: 'level',
            action: { type: 'revert-deployment' },
            status: 'RESOLVED',
            error: 'HOOK_URLS.revert-deployment is not configured',
            resolvedBy: 'olga',
            note: 'reverted by hand',
            evidence: 'https://ci/42',
          },
        ],
      },
    });
    const steps = toRolloutModel(failed, ctx).rollback!.steps;
    expect(steps[0]).toMatchObject({ status: RollbackStepStatus.DONE, resolvedBy: undefined });
    expect(steps[1]).toMatchObject({
      status: RollbackStepStatus.RESOLVED,
      resolvedBy: 'olga',
      note: 'reverted by hand',
      evidence: 'https://ci/42',
    });
  });

  test("an ended rollout lists no timers, though its last phase's soak had not passed", () => {
    const soaking = {
      id: 'pilot',
      name: 'Pilot',
      enteredAt: now - DAY,
      minUntil: now + DAY,
      items: [],
      gate: {},
    };
    const phase = soaking as unknown as RolloutContext['currentPhase'];
    const of = (status: EngineStatus) =>
      toRolloutModel(state(status, { currentPhaseId: 'pilot' }), { ...ctx, currentPhase: phase }).timers;
    expect(of('RUNNING').map((t) => t.kind)).toEqual(['soak']);
    expect(of('ROLLED_BACK')).toEqual([]);
    expect(of('ABORTED')).toEqual([]);
  });

  test("a timer the workflow listed at its last task is gone once past (a query's clock is the workflow's)", () => {
    const timers = [
      { kind: 'soak' as const, summary: 'Soak: Pilot, 1 week', dueAt: now - 1 },
      { kind: 'review' as const, summary: 'Review due: Week 4 review', dueAt: now + DAY },
    ];
    expect(toRolloutModel(state('RUNNING', { timers }), ctx).timers.map((t) => t.kind)).toEqual(['review']);
  });

  test('a phase being entered reads ENTERING', () => {
    const entering = state('RUNNING');
    entering.phases[1] = { ...entering.phases[1], status: 'ENTERING' };
    expect(toRolloutModel(entering, ctx).phases.map((p) => p.status)).toEqual(['COMPLETED', 'ENTERING']);
  });

  test('a list row reads the projection status as written, TERMINATED and WAITING_FOR_SIGN_OFF included', () => {
    const row = (status: string) =>
      ({
        rolloutId: 'r1',
        plan: 'p',
        status,
        startedAt: new Date(now),
        updatedAt: new Date(now),
        workflowId: 'rollout-r1',
      }) as RolloutProjection;
    expect(toRolloutSummary(row('TERMINATED')).status).toBe(RolloutStatus.TERMINATED);
    expect(toRolloutSummary(row('WAITING_FOR_SIGN_OFF')).status).toBe(RolloutStatus.WAITING_FOR_SIGN_OFF);
  });
});
