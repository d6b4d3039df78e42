import type { Client, WorkflowHandle } from '@temporalio/client';
import type { RolloutPlan } from '../../plan/src';
import { checkItemAction, type ItemAction, type SignOff } from '../../../workflows/engine/actions';
import {
  awaitPhaseUpdate,
  engineStateQuery,
  type EngineState,
  itemActionUpdate,
  phaseStateQuery,
  phaseWorkflowId,
  rolloutWorkflowId,
  signOffUpdate,
} from '../../../workflows/engine/messages';
import type { PhaseState } from '../../../workflows/engine/phase';
import { routeItemAction, routeSignOff, type Route } from '../../../workflows/engine/route';
import type { RefusalCode } from '../../../workflows/refusals';

/** An action refused before it was sent (the phase is not current, the item does not exist). */
export class ActionRefusedError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'ActionRefusedError';
  }
}

// The rollout names a phase current only once the phase's workflow runs (it reports phaseEntered in its
// first workflow task), so an action routed by the rollout's state finds the phase's workflow there: no
// waiting for it to start. A phase that ends between the routing and the Update answers with the SDK's own
// error (a closed workflow), mapped like any other.

/**
 * Sends a checklist-item action to the phase that owns the item, when the rollout's state says that phase is
 * current; the phase's validators then check roles, separation of duties and the item's status. `updateId`
 * names the Update, so that a retry of the same request (see retryTransient) is answered with the first
 * outcome, not applied twice.
 */
export async function sendItemAction(
  client: Client,
  plan: Pick<RolloutPlan, 'phases'>,
  rolloutId: string,
  action: ItemAction,
  phaseId?: string,
  updateId?: string,
): Promise<PhaseState> {
  const phase = await routed(client, rolloutId, (state) =>
    routeItemAction(plan, state, action.itemId, phaseId),
  );
  await refuseConflictEarly(phase, action);
  return phase.executeUpdate(itemActionUpdate, { args: [action], updateId });
}

/** Signs the gate of `phaseId`, if it is the current phase. */
export async function sendSignOff(
  client: Client,
  plan: Pick<RolloutPlan, 'phases'>,
  rolloutId: string,
  phaseId: string,
  signOff: SignOff,
  updateId?: string,
): Promise<PhaseState> {
  const phase = await routed(client, rolloutId, (state) => routeSignOff(plan, state, phaseId));
  return phase.executeUpdate(signOffUpdate, { args: [signOff], updateId });
}

/**
 * The rollout's state once it stands where the next action can reach it (awaitPhase): in a phase other than
 * `after` whose workflow runs, in review, paused, rolling back, ROLLBACK_FAILED or ended. The workflow waits
 * for it (no polling here); `updateId` makes a retry of the same request wait on the same Update.
 */
export function awaitPhase(
  client: Client,
  rolloutId: string,
  after?: string,
  updateId?: string,
): Promise<EngineState> {
  return client.workflow
    .getHandle(rolloutWorkflowId(rolloutId))
    .executeUpdate(awaitPhaseUpdate, { args: [after === undefined ? {} : { after }], updateId });
}

/**
 * An action the phase's state already refuses as a CONFLICT (the item done by someone else, already
 * approved …) is answered from a query, without an Update: fifty people completing one item at once then
 * send one Update each only while the item is still open. Rejected Updates are not free for the server: each
 * takes a workflow task, and many of them at once delay (and abort) the Updates that are accepted. Only
 * CONFLICT and NOT_FOUND are decided here, as they do not depend on the rollout's policy; the validator
 * still decides everything else, and every race. A query that fails (a busy worker, a phase just closing)
 * decides nothing: the Update is sent and its validator answers.
 */
export async function refuseConflictEarly(phase: WorkflowHandle, action: ItemAction): Promise<void> {
  const state = await phase.query(phaseStateQuery).catch((): PhaseState | undefined => undefined);
  if (!state) return;
  const refused = checkItemAction(state, action);
  if (refused && (refused.code === 'CONFLICT' || refused.code === 'NOT_FOUND'))
    throw new ActionRefusedError(refused.code, refused.message);
}

async function routed(
  client: Client,
  rolloutId: string,
  route: (state: EngineState) => Route,
): Promise<WorkflowHandle> {
  const state = await client.workflow.getHandle(rolloutWorkflowId(rolloutId)).query(engineStateQuery);
  const to = route(state);
  if (!to.ok) throw new ActionRefusedError(to.code, to.message);
  return client.workflow.getHandle(phaseWorkflowId(rolloutId, to.phaseId));
}
