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
  const audit = auditor(state.rolloutId);

  // The start is audited first; update handlers wait for it, so the log always opens with it.
  publish(state);
  const started = audit(input.startedBy, 'rollout.start', state.plan, {
    phases: state.phases.map((p) => p.id),
  });

  setHandler(getRolloutStateQuery, () => state);
  setHandler(
    completeChecklistItemUpdate,
    async (req) => {
      const item = completeItem(state, req, new Date());
      showDetails(state);
      await started;
      await audit(req.actor, 'checklist.complete', item.id, { phase: state.currentPhaseId, note: req.note });
      return state;
    },
    {
      validator: (req: CompleteChecklistItemRequest) => {
        const refused = checkCompleteItem(state, req);
        if (refused) throw refusal(refused.code, refused.message);
      },
    },
  );
  await started;

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
  await audit('engine', 'rollout.complete', state.plan, {});
  return state;
}

/** Appends to the audit log, stamped with workflow time: when it happened, not when the activity ran. */
function auditor(rolloutId: string) {
  return (actor: string, action: string, target: string, payload: Record<string, unknown>): Promise<void> =>
    recordAudit({ rolloutId, actor, action, target, payload, at: new Date().toISOString() });
}

/** Makes a transition visible in the Web UI: search attributes for lists, details for the workflow page. */
function publish(state: RolloutState): void {
  upsertSearchAttributes([
    { key: RolloutIdKey, value: state.rolloutId },
    { key: RolloutPlanKey, value: state.plan },
    { key: RolloutStatusKey, value: state.status },
    { key: RolloutPhaseKey, value: state.currentPhaseId ?? '' },
  ]);
  showDetails(state);
}

/** The "current details" line the Web UI shows on the workflow page. */
function showDetails(state: RolloutState): void {
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
