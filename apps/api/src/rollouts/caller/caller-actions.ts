import {
  checkItemAction,
  checkSignOff,
  DEFAULT_POLICY,
  gateSigners,
  itemActionRecord,
  type ActionPolicy,
  type ItemAction,
  signOffRecord,
} from '../../../../../workflows/engine/actions';
import type { EngineState, RolloutParameters } from '../../../../../workflows/engine/messages';
import type { Actor, PhaseState } from '../../../../../workflows/engine/phase';
import { waitsOf } from '../../../../../workflows/engine/phase';
import { waitPhrase } from '../../../../../workflows/engine/phase-waits';
import { failedStep, nextStep } from '../../../../../workflows/engine/rollback';
import { routeItemAction, routeSignOff } from '../../../../../workflows/engine/route';
import * as rules from '../../../../../workflows/engine/rollout-rules';
import type { RefusalCode } from '../../../../../workflows/refusals';
import type { RolloutPlan } from '../../../../../libs/plan/src';

/** The routing rules read only phase and item ids of the plan. */
type PlanPhases = Pick<RolloutPlan, 'phases'>;

/** A refusal's code: the engine's, or UNAVAILABLE when the phase did not answer. */
export type CallerCode = RefusalCode | 'UNAVAILABLE';

// What the caller may do now, asked of the engine's own pure rules (engine/route.ts, engine/actions.ts,
// engine/rollout-rules.ts) with the caller as the actor: an action is offered exactly when the engine would
// accept it and it would change something (a repeat of what the caller already did is not offered). Nothing
// here re-states a rule; it only asks them.

export type ChecklistActionKind = 'COMPLETE' | 'APPROVE' | 'REOPEN' | 'SKIP';
export type RolloutActionKind = 'PAUSE' | 'RESUME' | 'ROLL_BACK' | 'ABORT';
export type RollbackStepActionKind = 'CONFIRM' | 'RETRY' | 'RESOLVE';

export interface CallerRefusal<A extends string> {
  action: A;
  code: CallerCode;
  message: string;
}

export interface Offered<A extends string> {
  allowed: A[];
  refusals: CallerRefusal<A>[];
}

/** The policies a rollout runs with: its parameters over ROLE_POLICY, as the rollout and its phases build them. */
export interface RolloutPolicies {
  action: ActionPolicy;
  gateRoles: string[];
  operators: rules.RolloutPolicy;
}

/**
 * The same composition as the rollout workflow (workflows/rollout/run.ts) and the phase workflow (users folded
 * by name, as every run since `fold-user-names` does).
 */
export function rolloutPolicies(
  parameters?: Pick<RolloutParameters, 'gateRoles' | 'policy'>,
): RolloutPolicies {
  const { operatorRoles, ...actionPolicy } = parameters?.policy ?? {};
  const action: ActionPolicy = { ...DEFAULT_POLICY, ...actionPolicy, foldUserNames: true };
  return {
    action,
    gateRoles: parameters?.gateRoles ?? [],
    operators: rules.rolloutPolicy({ superRoles: action.superRoles, operatorRoles }),
  };
}

/** What the rules read of a rollout: its state and its current phase's (when that phase answered). */
export interface CallerView {
  state: Pick<EngineState, 'rolloutId' | 'status' | 'currentPhaseId' | 'rollback'>;
  phase?: PhaseState;
  policies: RolloutPolicies;
  /** The reconciler found its workflow terminated in Temporal: nothing can be done. */
  terminated?: boolean;
}

/** Placeholder words for the checks that want them (a skip's justification, a rollback's reason). */
const SAID = 'given';

const ITEM_ACTIONS: { kind: ChecklistActionKind; action: (itemId: string, actor: Actor) => ItemAction }[] = [
  { kind: 'COMPLETE', action: (itemId, actor) => ({ type: 'complete', itemId, actor }) },
  { kind: 'APPROVE', action: (itemId, actor) => ({ type: 'approve', itemId, actor }) },
  { kind: 'REOPEN', action: (itemId, actor) => ({ type: 'reopen', itemId, actor }) },
  { kind: 'SKIP', action: (itemId, actor) => ({ type: 'skip', itemId, actor, justification: SAID }) },
];

const terminatedRefusal = (rolloutId: string) => ({
  code: 'CONFLICT' as const,
  message: `Rollout ${rolloutId} was terminated in Temporal; nothing can be done to it`,
});

function offer<A extends string>(
  kinds: A[],
  check: (kind: A) => { code: CallerCode; message: string } | undefined,
): Offered<A> {
  const refusals = kinds.flatMap((action) => {
    const refused = check(action);
    return refused ? [{ action, ...refused }] : [];
  });
  return { allowed: kinds.filter((k) => !refusals.some((r) => r.action === k)), refusals };
}

/** The checklist actions the caller may take on an item of the rollout's current phase. */
export function itemActionsFor(
  view: CallerView,
  item: { id: string; phaseId: string },
  actor: Actor,
): Offered<ChecklistActionKind> {
  const { state, phase, policies } = view;
  const itemId = item.id;
  const owner = { phases: [{ id: item.phaseId, checklist: [{ id: itemId }] }] } as PlanPhases;
  return offer(
    ITEM_ACTIONS.map((a) => a.kind),
    (kind) => {
      if (view.terminated) return terminatedRefusal(state.rolloutId);
      const route = routeItemAction(owner, state, itemId);
      if (!route.ok) return { code: route.code, message: route.message };
      if (!phase)
        return { code: 'UNAVAILABLE', message: `The current phase of ${state.rolloutId} did not answer` };
      const action = ITEM_ACTIONS.find((a) => a.kind === kind)!.action(itemId, actor);
      const refused = checkItemAction(phase, action, policies.action);
      if (refused) return refused;
      if (!itemActionRecord(phase, action))
        return { code: 'CONFLICT', message: `"${itemId}" already stands so: ${actor.id} did it` };
      return undefined;
    },
  );
}

export interface GateOffer {
  canSignOff: boolean;
  /** Why the caller may not sign now (the engine's own words), when they may not. */
  refusal?: { code: CallerCode; message: string };
  /** Who may sign: the rollout's gate roles, else the policy's. */
  signers: string[];
  /** What the phase still waits for before its sign-off, one phrase each (as refusals and the Web UI say it). */
  missing: string[];
}

/** Whether the caller may sign the current phase's gate now, who may, and what is still missing. */
export function gateFor(view: CallerView, actor: Actor, now: number): GateOffer {
  const { state, phase, policies } = view;
  const signers = gateSigners(policies.gateRoles, policies.action);
  if (!phase) {
    const refusal = view.terminated
      ? terminatedRefusal(state.rolloutId)
      : { code: 'CONFLICT' as const, message: `Rollout ${state.rolloutId} has no current phase` };
    return { canSignOff: false, refusal, signers, missing: [] };
  }
  const missing = waitsOf(phase, now)
    .filter((w) => w.kind !== 'sign-off')
    .map((w) => waitPhrase(phase, w, now, signers));
  const signOff = { actor };
  const route = routeSignOff({ phases: [{ id: phase.id }] } as PlanPhases, state, phase.id);
  const refusal = view.terminated
    ? terminatedRefusal(state.rolloutId)
    : !route.ok
      ? { code: route.code, message: route.message }
      : (checkSignOff(phase, signOff, policies.gateRoles, now, policies.action) ??
        (signOffRecord(phase, signOff)
          ? undefined
          : { code: 'CONFLICT' as const, message: `The gate of phase ${phase.id} is signed` }));
  return { canSignOff: !refusal, refusal, signers, missing };
}

const ruleView = (view: CallerView, levels: string[]): rules.RolloutView => ({
  rolloutId: view.state.rolloutId,
  status: view.state.status,
  rollback: view.state.rollback,
  levels,
});

/** Pause, resume, roll back, abort: which the caller may do now. */
export function rolloutActionsFor(view: CallerView, actor: Actor): Offered<RolloutActionKind> {
  const v = ruleView(view, []);
  const ops = view.policies.operators;
  return offer<RolloutActionKind>(['PAUSE', 'RESUME', 'ROLL_BACK', 'ABORT'], (kind) => {
    if (view.terminated) return terminatedRefusal(v.rolloutId);
    switch (kind) {
      case 'PAUSE':
        return rules.checkPause(v, actor, ops);
      case 'RESUME':
        return rules.checkResume(v, actor, ops);
      case 'ROLL_BACK':
        return rules.checkRollback(v, { actor, reason: SAID }, ops);
      case 'ABORT':
        return rules.checkAbort(v, { actor, reason: SAID }, ops);
    }
  });
}

/** Confirm (a manual step waiting for a person), retry or resolve (the failed step): for one rollback step. */
export function stepActionsFor(
  view: CallerView,
  stepId: string,
  actor: Actor,
): Offered<RollbackStepActionKind> {
  const v = ruleView(view, []);
  const ops = view.policies.operators;
  return offer<RollbackStepActionKind>(['CONFIRM', 'RETRY', 'RESOLVE'], (kind) => {
    if (view.terminated) return terminatedRefusal(v.rolloutId);
    switch (kind) {
      case 'CONFIRM':
        return rules.checkConfirmStep(v, { actor, stepId }, ops);
      case 'RETRY':
        return rules.checkRetryStep(v, { actor, stepId }, ops);
      case 'RESOLVE':
        return rules.checkResolveStep(v, { actor, stepId, note: SAID }, ops);
    }
  });
}

/** The rollback steps a person could act on now: the failed one, or a manual one waiting to be confirmed. */
export function actionableSteps(state: Pick<EngineState, 'rollback'>): string[] {
  const rollback = state.rollback;
  if (!rollback) return [];
  const ids = [failedStep(rollback)?.id, nextStep(rollback)?.id].filter((id): id is string => !!id);
  return [...new Set(ids)];
}
