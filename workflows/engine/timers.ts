import { describeDuration, durationToMillis, type RolloutPlan } from '../../libs/plan/src/model';
import type { EngineState, PendingTimer } from './messages';

/**
 * The rollout's timers still to fire, soonest first: the current phase's soak, post-launch reviews and the
 * rollback budget. A phase's own sustained conditions and guardrail readings are in its state
 * (`getPhaseState`). Pure: the query handler passes the workflow's clock.
 */
export function pendingTimers(
  state: EngineState,
  plan: Pick<RolloutPlan, 'phases'>,
  timeScale: number,
  now: number,
): PendingTimer[] {
  const timers: PendingTimer[] = [];
  const live = ['RUNNING', 'WAITING_FOR_SIGN_OFF', 'PAUSED'].includes(state.status);
  const index = state.phases.findIndex((p) => p.id === state.currentPhaseId && p.status === 'RUNNING');
  const phase = index >= 0 ? state.phases[index] : undefined;
  const min = plan.phases[index]?.duration?.min;
  if (live && phase?.enteredAt !== undefined && min) {
    const dueAt = phase.enteredAt + (durationToMillis(min) ?? 0) * timeScale;
    if (dueAt > now)
      timers.push({ kind: 'soak', summary: `Soak: ${phase.name}, ${describeDuration(min)}`, dueAt });
  }
  if (state.status === 'IN_REVIEW')
    for (const r of state.reviews)
      if (!r.completedAt && r.dueAt !== undefined)
        timers.push({ kind: 'review', summary: `Review due: ${r.title}`, dueAt: r.dueAt });
  const rb = state.rollback;
  if (state.status === 'ROLLING_BACK' && rb?.budgetEndsAt !== undefined && rb.budgetEndsAt > now)
    timers.push({
      kind: 'rollback-budget',
      summary: `Rollback budget: ${rb.level ?? 'compensations'}`,
      dueAt: rb.budgetEndsAt,
    });
  return timers.sort((a, b) => a.dueAt - b.dueAt);
}
