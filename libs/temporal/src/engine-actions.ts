import type { Client, WorkflowHandle } from '@temporalio/client';
import type { RolloutPlan } from '../../plan/src';
import type { ItemAction, SignOff } from '../../../workflows/engine/actions';
import {
  engineStateQuery,
  type EngineState,
  itemActionUpdate,
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

/**
 * Sends a checklist-item action to the phase that owns the item, once the rollout's state says that phase
 * is current; the phase's validators then check roles, separation of duties and the item's status. A phase
 * that ends between the check and the Update answers with the SDK's own error.
 */
export async function sendItemAction(
  client: Client,
  plan: Pick<RolloutPlan, 'phases'>,
  rolloutId: string,
  action: ItemAction,
  phaseId?: string,
): Promise<PhaseState> {
  const phase = await routed(client, rolloutId, (state) =>
    routeItemAction(plan, state, action.itemId, phaseId),
  );
  return phase.executeUpdate(itemActionUpdate, { args: [action] });
}

/** Signs the gate of `phaseId`, if it is the current phase. */
export async function sendSignOff(
  client: Client,
  plan: Pick<RolloutPlan, 'phases'>,
  rolloutId: string,
  phaseId: string,
  signOff: SignOff,
): Promise<PhaseState> {
  const phase = await routed(client, rolloutId, (state) => routeSignOff(plan, state, phaseId));
  return phase.executeUpdate(signOffUpdate, { args: [signOff] });
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
