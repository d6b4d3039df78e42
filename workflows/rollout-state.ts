import type {
  ChecklistItemState,
  CompleteChecklistItemRequest,
  PhaseState,
  RolloutInput,
  RolloutState,
} from './messages';
import { RefusalCode, type RefusalCode as Code } from './refusals';

// Pure rollout logic: the workflow drives these functions and keeps no rules of its own.

export interface Refusal {
  code: Code;
  message: string;
}

/** The state as the rollout starts: already in its first phase, so actions are accepted at once. */
export function initialState(input: RolloutInput, now: Date): RolloutState {
  const state: RolloutState = {
    rolloutId: input.rolloutId,
    plan: input.plan.name,
    title: input.plan.title,
    status: 'RUNNING',
    startedBy: input.startedBy,
    startedAt: now.toISOString(),
    phases: input.plan.phases.map((p) => ({
      id: p.id,
      name: p.name,
      status: 'PENDING',
      checklist: p.checklist.map((item) => ({ ...item, completed: false })),
    })),
  };
  if (state.phases[0]) enterPhase(state, state.phases[0].id, now);
  return state;
}

export function currentPhase(state: RolloutState): PhaseState | undefined {
  return state.phases.find((p) => p.id === state.currentPhaseId);
}

export function enterPhase(state: RolloutState, phaseId: string, now: Date): void {
  const phase = state.phases.find((p) => p.id === phaseId);
  if (!phase) throw new Error(`unknown phase ${phaseId}`);
  phase.status = 'RUNNING';
  phase.enteredAt = now.toISOString();
  state.currentPhaseId = phaseId;
}

export const phaseChecklistDone = (phase: PhaseState): boolean => phase.checklist.every((i) => i.completed);

export function completePhase(state: RolloutState, phaseId: string, now: Date): void {
  const phase = state.phases.find((p) => p.id === phaseId);
  if (!phase) throw new Error(`unknown phase ${phaseId}`);
  phase.status = 'COMPLETED';
  phase.completedAt = now.toISOString();
}

export function completeRollout(state: RolloutState, now: Date): void {
  state.status = 'COMPLETED';
  state.completedAt = now.toISOString();
}

/** Why completing this item now would be refused, or undefined when it may be completed. */
export function checkCompleteItem(
  state: RolloutState,
  req: CompleteChecklistItemRequest,
): Refusal | undefined {
  if (!req.itemId) return { code: RefusalCode.BAD_USER_INPUT, message: 'itemId is required' };
  const owner = state.phases.find((p) => p.checklist.some((i) => i.id === req.itemId));
  if (!owner) {
    return {
      code: RefusalCode.NOT_FOUND,
      message: `Checklist item "${req.itemId}" does not exist in rollout ${state.rolloutId}`,
    };
  }
  const item = owner.checklist.find((i) => i.id === req.itemId) as ChecklistItemState;
  if (item.completed) {
    return {
      code: RefusalCode.CONFLICT,
      message: `Checklist item "${req.itemId}" was already completed by ${item.completedBy ?? 'someone'} at ${item.completedAt ?? 'an earlier time'}`,
    };
  }
  if (owner.id !== state.currentPhaseId) {
    return {
      code: RefusalCode.CONFLICT,
      message: `Checklist item "${req.itemId}" belongs to phase "${owner.id}", which is not the current phase (${state.currentPhaseId ?? 'none'})`,
    };
  }
  return undefined;
}

/** Applies an accepted completion; call only after checkCompleteItem returned undefined. */
export function completeItem(
  state: RolloutState,
  req: CompleteChecklistItemRequest,
  now: Date,
): ChecklistItemState {
  const item = currentPhase(state)?.checklist.find((i) => i.id === req.itemId);
  if (!item) throw new Error(`item ${req.itemId} is not in the current phase`);
  item.completed = true;
  item.completedBy = req.actor;
  item.completedAt = now.toISOString();
  item.note = req.note;
  return item;
}
