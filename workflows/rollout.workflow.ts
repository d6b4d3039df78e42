import {
  allHandlersFinished,
  condition,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { RolloutActivities } from '../activities';
import {
  completeChecklistItemUpdate,
  getRolloutStateQuery,
  type CompleteChecklistItemRequest,
  type RolloutInput,
  type RolloutState,
} from './messages';
import { refusal } from './refusals';
import {
  checkCompleteItem,
  completeItem,
  completePhase,
  completeRollout,
  currentPhase,
  enterPhase,
  initialState,
  phaseChecklistDone,
} from './rollout-state';
import { RolloutIdKey, RolloutPhaseKey, RolloutPlanKey, RolloutStatusKey } from './search-attributes';

const { recordAudit } = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  summary: 'Audit log',
});

/** One rollout: runs the plan's phases in order, each until its checklist is complete. */
export async function rolloutWorkflow(input: RolloutInput): Promise<RolloutState> {
  const state = initialState(input, new Date());

  setHandler(getRolloutStateQuery, () => state);
  setHandler(
    completeChecklistItemUpdate,
    async (req) => {
      const item = completeItem(state, req, new Date());
      describe(state);
      await recordAudit({
        rolloutId: state.rolloutId,
        actor: req.actor,
        action: 'checklist.complete',
        target: item.id,
        payload: { phase: state.currentPhaseId, note: req.note },
      });
      return state;
    },
    {
      validator: (req: CompleteChecklistItemRequest) => {
        const refused = checkCompleteItem(state, req);
        if (refused) throw refusal(refused.code, refused.message);
      },
    },
  );

  publish(state);
  await recordAudit({
    rolloutId: state.rolloutId,
    actor: input.startedBy,
    action: 'rollout.start',
    target: state.plan,
    payload: { phases: state.phases.map((p) => p.id) },
  });

  for (const phase of state.phases) {
    if (phase.status === 'PENDING') {
      enterPhase(state, phase.id, new Date());
      publish(state);
    }
    log.info('Phase entered', { rolloutId: state.rolloutId, phase: phase.id });
    await condition(() => phaseChecklistDone(phase));
    completePhase(state, phase.id, new Date());
  }

  completeRollout(state, new Date());
  publish(state);
  // Let in-flight update handlers (and their audit writes) finish before the run closes.
  await condition(allHandlersFinished);
  await recordAudit({
    rolloutId: state.rolloutId,
    actor: 'engine',
    action: 'rollout.complete',
    target: state.plan,
    payload: {},
  });
  return state;
}

/** Makes a transition visible in the Web UI: search attributes for lists, details for the workflow page. */
function publish(state: RolloutState): void {
  upsertSearchAttributes([
    { key: RolloutIdKey, value: state.rolloutId },
    { key: RolloutPlanKey, value: state.plan },
    { key: RolloutStatusKey, value: state.status },
    { key: RolloutPhaseKey, value: state.currentPhaseId ?? '' },
  ]);
  describe(state);
}

/** The "current details" line the Web UI shows on the workflow page. */
function describe(state: RolloutState): void {
  const phase = currentPhase(state);
  if (!phase || state.status !== 'RUNNING') {
    setCurrentDetails(`**${state.status}** — ${state.plan}`);
    return;
  }
  const done = phase.checklist.filter((i) => i.completed).length;
  setCurrentDetails(
    `**${state.status}** — phase ${phase.name}: ${done}/${phase.checklist.length} checklist items done`,
  );
}
