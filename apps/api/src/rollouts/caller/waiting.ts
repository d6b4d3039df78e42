import type { EngineState } from '../../../../../workflows/engine/messages';
import type { Actor, PhaseState } from '../../../../../workflows/engine/phase';
import {
  actionableSteps,
  gateFor,
  itemActionsFor,
  type RolloutPolicies,
  stepActionsFor,
} from './caller-actions';

// What waits on a person in one rollout, from its state and its current phase's: asked of the engine's rules
// (caller-actions.ts) with that person as the actor. A thing waits on them when the rollout waits for it and
// they may move it on: complete an open item, approve done work, sign a gate that only waits for its
// sign-off, retry or resolve a failed rollback step (or confirm a manual one). Pure.

export type WaitingKind = 'ITEM' | 'APPROVAL' | 'GATE' | 'ROLLBACK_STEP';

export interface Waiting {
  rolloutId: string;
  plan: string;
  phaseId?: string;
  phaseName?: string;
  kind: WaitingKind;
  itemId?: string;
  itemTitle?: string;
  itemKind?: string;
  stepId?: string;
  stepTitle?: string;
  actions: string[];
  since?: number;
}

export interface WaitingInput {
  state: EngineState;
  /** The current phase's state, when it answered. */
  phase?: PhaseState;
  policies: RolloutPolicies;
}

/** Everything in one rollout that waits on `actor` now, in the order a person works through it. */
export function waitingIn(input: WaitingInput, actor: Actor, now: number): Waiting[] {
  const { state, phase, policies } = input;
  const view = { state, phase, policies };
  const base = { rolloutId: state.rolloutId, plan: state.plan };
  const out: Waiting[] = [];
  if (phase && state.currentPhaseId === phase.id) {
    const where = { ...base, phaseId: phase.id, phaseName: phase.name };
    for (const item of phase.items) {
      const { allowed } = itemActionsFor(view, { id: item.id, phaseId: phase.id }, actor);
      const kind: WaitingKind | undefined = allowed.includes('APPROVE')
        ? 'APPROVAL'
        : allowed.includes('COMPLETE')
          ? 'ITEM'
          : undefined;
      if (!kind) continue;
      out.push({
        ...where,
        kind,
        itemId: item.id,
        itemTitle: item.title,
        itemKind: item.kind ?? 'manual',
        actions: allowed,
        since: kind === 'APPROVAL' ? (item.doneAt ?? phase.enteredAt) : phase.enteredAt,
      });
    }
    if (gateFor(view, actor, now).canSignOff) {
      const times = phase.items.flatMap((i) => [i.doneAt, i.approvedAt]).filter((t) => t !== undefined);
      const soakEnd = phase.minUntil !== undefined && phase.minUntil <= now ? [phase.minUntil] : [];
      out.push({
        ...where,
        kind: 'GATE',
        actions: ['SIGN_OFF'],
        since: Math.max(phase.enteredAt, ...times, ...soakEnd),
      });
    }
  }
  for (const stepId of actionableSteps(state)) {
    const { allowed } = stepActionsFor(view, stepId, actor);
    if (!allowed.length) continue;
    const step = state.rollback?.steps.find((s) => s.id === stepId);
    out.push({
      ...base,
      kind: 'ROLLBACK_STEP',
      stepId,
      stepTitle: step?.title,
      actions: allowed,
      since: step?.finishedAt ?? state.rollback?.startedAt,
    });
  }
  return out;
}
