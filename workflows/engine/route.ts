import type { RolloutPlan } from '../../libs/plan/src/model';
import type { Refusal } from './actions';
import type { EngineState } from './messages';

// An action on a checklist item or gate is an Update on the phase's own workflow, which exists only while
// the phase runs. Whoever sends it (the API, the CLI, a test) first routes it here against the rollout's
// state, so "that phase is not current" is as clear a refusal as the phase's own validators give, and
// nothing is sent to a workflow that is not there.

export type Route = { ok: true; phaseId: string } | ({ ok: false } & Refusal);

const LIVE: EngineState['status'][] = ['RUNNING', 'WAITING_FOR_SIGN_OFF', 'PAUSED'];

/** The phase an item action must go to: the item's phase, if that is the rollout's current one. */
export function routeItemAction(
  plan: Pick<RolloutPlan, 'phases'>,
  state: Pick<EngineState, 'rolloutId' | 'status' | 'currentPhaseId'>,
  itemId: string,
  phaseId?: string,
): Route {
  const owner = plan.phases.find(
    (p) => (phaseId === undefined || p.id === phaseId) && p.checklist.some((i) => i.id === itemId),
  );
  if (!owner)
    return {
      ok: false,
      code: 'NOT_FOUND',
      message:
        phaseId === undefined
          ? `Checklist item "${itemId}" does not exist in rollout ${state.rolloutId}`
          : `Checklist item "${itemId}" does not exist in phase "${phaseId}" of rollout ${state.rolloutId}`,
    };
  return routeToPhase(state, owner.id, `checklist item "${itemId}"`);
}

/** The phase a gate sign-off must go to: the named phase, if it is current. */
export function routeSignOff(
  plan: Pick<RolloutPlan, 'phases'>,
  state: Pick<EngineState, 'rolloutId' | 'status' | 'currentPhaseId'>,
  phaseId: string,
): Route {
  if (!plan.phases.some((p) => p.id === phaseId))
    return {
      ok: false,
      code: 'NOT_FOUND',
      message: `Phase "${phaseId}" does not exist in rollout ${state.rolloutId}`,
    };
  return routeToPhase(state, phaseId, `the gate of phase "${phaseId}"`);
}

function routeToPhase(
  state: Pick<EngineState, 'rolloutId' | 'status' | 'currentPhaseId'>,
  phaseId: string,
  what: string,
): Route {
  if (!LIVE.includes(state.status))
    return {
      ok: false,
      code: 'CONFLICT',
      message: `Rollout ${state.rolloutId} is ${state.status}; ${what} cannot be acted on`,
    };
  if (state.currentPhaseId !== phaseId)
    return {
      ok: false,
      code: 'CONFLICT',
      message: `${what[0].toUpperCase()}${what.slice(1)} belongs to phase "${phaseId}", which is not the current phase (${state.currentPhaseId ?? 'none'})`,
    };
  return { ok: true, phaseId };
}
