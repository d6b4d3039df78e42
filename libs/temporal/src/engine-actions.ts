import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { RolloutPlan } from '../../plan/src';
import { checkItemAction, type ItemAction, type SignOff } from '../../../workflows/engine/actions';
import {
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

/**
 * How long an action routed to the current phase waits for that phase's workflow to start: the rollout names
 * a phase current as it enters it, a moment (its flags, its messages) before the phase's workflow exists.
 */
export const PHASE_ENTRY_WAIT_MS = 10_000;
const PHASE_ENTRY_POLL_MS = 100;

/**
 * Sends a checklist-item action to the phase that owns the item, once the rollout's state says that phase
 * is current; the phase's validators then check roles, separation of duties and the item's status. A phase
 * that ends between the check and the Update answers with the SDK's own error. `updateId` names the Update, so
 * that a retry of the same request (see retryTransient) is answered with the first outcome, not applied twice.
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
  return whenEntered(phase, rolloutId, async (h) => {
    await refuseConflictEarly(h, action);
    return h.executeUpdate(itemActionUpdate, { args: [action], updateId });
  });
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
  return whenEntered(phase, rolloutId, (h) => h.executeUpdate(signOffUpdate, { args: [signOff], updateId }));
}

/**
 * An action the phase's state already refuses as a CONFLICT (the item done by someone else, already
 * approved …) is answered from a query, without an Update: fifty people completing one item at once then
 * send one Update each only while the item is still open. Rejected Updates are not free for the server: each
 * takes a workflow task, and many of them at once delay (and abort) the Updates that are accepted. Only
 * CONFLICT and NOT_FOUND are decided here, as they do not depend on the rollout's policy; the validator
 * still decides everything else, and every race.
 */
async function refuseConflictEarly(phase: WorkflowHandle, action: ItemAction): Promise<void> {
  const state = await phase.query(phaseStateQuery);
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

/**
 * Sends to a phase the rollout has named current, waiting (up to PHASE_ENTRY_WAIT_MS) while its workflow is
 * still being started; a phase still absent then is a CONFLICT, not a missing rollout.
 */
async function whenEntered<T>(
  phase: WorkflowHandle,
  rolloutId: string,
  send: (phase: WorkflowHandle) => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + PHASE_ENTRY_WAIT_MS;
  for (;;) {
    try {
      return await send(phase);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      if (Date.now() >= deadline)
        throw new ActionRefusedError(
          'CONFLICT',
          `Rollout ${rolloutId} is still entering its current phase (${phase.workflowId} has not started); try again shortly`,
        );
      await sleep(PHASE_ENTRY_POLL_MS);
    }
  }
}
