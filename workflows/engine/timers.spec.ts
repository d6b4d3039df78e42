import type { EngineState } from './messages';
import { pendingTimers } from './timers';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 22);
const plan = {
  phases: [
    { id: 'pilot', name: 'Pilot', duration: { min: 'P14D' } },
    { id: 'ga', name: 'GA' },
  ],
} as never;

const base = (overrides: Partial<EngineState>): EngineState => ({
  rolloutId: 'r',
  plan: 'p',
  status: 'RUNNING',
  startedBy: 'a',
  startedAt: T0,
  phases: [
    { id: 'pilot', name: 'Pilot', status: 'RUNNING', enteredAt: T0 },
    { id: 'ga', name: 'GA', status: 'PENDING' },
  ],
  compensations: [],
  breaches: [],
  reviews: [],
  events: [],
  ...overrides,
});

describe('pendingTimers', () => {
  test('the current phase soak, scaled, until it has passed', () => {
    expect(pendingTimers(base({ currentPhaseId: 'pilot' }), plan, 1, T0 + DAY)).toEqual([
      { kind: 'soak', summary: 'Soak: Pilot, 14 days', dueAt: T0 + 14 * DAY },
    ]);
    expect(pendingTimers(base({ currentPhaseId: 'pilot' }), plan, 0.5, T0)[0]?.dueAt).toBe(T0 + 7 * DAY);
    expect(pendingTimers(base({ currentPhaseId: 'pilot' }), plan, 1, T0 + 15 * DAY)).toEqual([]);
  });

  test('a phase without a minimum has no soak timer', () => {
    const state = base({
      currentPhaseId: 'ga',
      phases: [
        { id: 'pilot', name: 'Pilot', status: 'COMPLETED', enteredAt: T0 },
        { id: 'ga', name: 'GA', status: 'RUNNING', enteredAt: T0 + 14 * DAY },
      ],
    });
    expect(pendingTimers(state, plan, 1, T0 + 14 * DAY)).toEqual([]);
  });

  test('open reviews while in review, soonest first; done ones are gone', () => {
    const state = base({
      status: 'IN_REVIEW',
      reviews: [
        { id: 'm3', title: 'Retro', dueAt: T0 + 90 * DAY },
        { id: 'w2', title: 'Metrics', dueAt: T0 + 14 * DAY },
        { id: 'w1', title: 'Done', dueAt: T0 + 7 * DAY, completedAt: T0 + 8 * DAY, completedBy: 'x' },
      ],
    });
    expect(pendingTimers(state, plan, 1, T0).map((t) => [t.kind, t.summary, t.dueAt])).toEqual([
      ['review', 'Review due: Metrics', T0 + 14 * DAY],
      ['review', 'Review due: Retro', T0 + 90 * DAY],
    ]);
  });

  test('the rollback budget while rolling back; nothing once ended', () => {
    const rollback = {
      level: 'quick',
      reason: 'x',
      requestedBy: 'o',
      rehearsal: false,
      startedAt: T0,
      budgetEndsAt: T0 + 300_000,
      steps: [],
    };
    const rolling = base({ status: 'ROLLING_BACK', currentPhaseId: 'pilot', rollback });
    expect(pendingTimers(rolling, plan, 1, T0)).toEqual([
      { kind: 'rollback-budget', summary: 'Rollback budget: quick', dueAt: T0 + 300_000 },
    ]);
    expect(pendingTimers({ ...rolling, status: 'ROLLED_BACK' }, plan, 1, T0)).toEqual([]);
  });
});
