import {
  condition,
  getExternalWorkflowHandle,
  log,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  applyItemAction,
  applySignOff,
  checkItemAction,
  checkSignOff,
  type ItemAction,
  type SignOff,
} from './engine/actions';
import {
  checkResultSignal,
  holdSignal,
  itemActionUpdate,
  phaseProgressSignal,
  phaseStateQuery,
  signOffUpdate,
  type PhaseInput,
} from './engine/messages';
import {
  enterPhase,
  nextTimeChange,
  observeSustained,
  onlySignOffLeft,
  tickSustained,
  waitsOf,
  type PhaseState,
} from './engine/phase';
import { refusal } from './refusals';

/**
 * One phase (rollout-<id>-phase-<phaseId>): holds the phase until every item is done, sustained conditions
 * have held, the soak has passed and the gate is signed. The parent applies flags and messages on entry
 * and owns rollback; this workflow only decides when the phase may be left.
 */
export async function phaseWorkflow(input: PhaseInput): Promise<PhaseState> {
  const state = scaled(enterPhase(input.phase, Date.now()), input.timeScale);
  let held = false;
  let changes = 0; // bumped by every handler, so the wait below wakes on any change
  const changed = () => changes++;

  setHandler(phaseStateQuery, () => state);
  setHandler(
    itemActionUpdate,
    (action) => {
      applyItemAction(state, action, Date.now());
      changed();
      return state;
    },
    {
      validator: (action: ItemAction) => {
        const refused = checkItemAction(state, action, input.policy);
        if (refused) throw refusal(refused.code, refused.message);
      },
    },
  );
  setHandler(
    signOffUpdate,
    (signOff) => {
      applySignOff(state, signOff, Date.now());
      changed();
      return state;
    },
    {
      validator: (signOff: SignOff) => {
        const pending = waitsOf(state, Date.now()).some((w) => w.kind !== 'sign-off');
        const refused = checkSignOff(state, signOff, input.gateRoles, pending, input.policy);
        if (refused) throw refusal(refused.code, refused.message);
      },
    },
  );
  setHandler(checkResultSignal, ({ itemId, healthy }) => {
    observeSustained(state, itemId, healthy, Date.now());
    changed();
  });
  setHandler(holdSignal, ({ hold }) => {
    held = hold;
    changed();
  });

  const parent = workflowInfo().parent;
  let waitingForSignOff = false;
  for (;;) {
    const now = Date.now();
    tickSustained(state, now);
    const waits = waitsOf(state, now);
    showDetails(input, waits.map((w) => w.kind).join(', ') || (held ? 'held' : 'ready'));
    // Tell the rollout when the phase starts (or stops) waiting on its sign-off alone.
    if (parent && onlySignOffLeft(waits) !== waitingForSignOff) {
      waitingForSignOff = !waitingForSignOff;
      await getExternalWorkflowHandle(parent.workflowId).signal(phaseProgressSignal, {
        phaseId: state.id,
        waitingForSignOff,
      });
    }
    if (!waits.length && !held) break;
    const seen = changes;
    const next = nextTimeChange(state, now);
    if (next === undefined) await condition(() => changes !== seen);
    else
      await condition(() => changes !== seen, next - now, {
        summary: timerSummary(input, waits, next - now),
      });
  }
  log.info('Phase may be left', { phase: state.id, signedBy: state.gate.signedBy });
  return state;
}

/** Scales soak and sustain durations for rehearsals (timeScale < 1); the plan itself is untouched. */
function scaled(state: PhaseState, timeScale: number): PhaseState {
  if (timeScale === 1) return state;
  if (state.minUntil !== undefined)
    state.minUntil = state.enteredAt + (state.minUntil - state.enteredAt) * timeScale;
  for (const item of state.items) if (item.sustainMs !== undefined) item.sustainMs *= timeScale;
  return state;
}

function showDetails(input: PhaseInput, waiting: string): void {
  setCurrentDetails(
    `**${input.phase.name}** (${input.plan}, rollout ${input.rolloutId}) — waiting for: ${waiting}`,
  );
}

function timerSummary(input: PhaseInput, waits: ReturnType<typeof waitsOf>, ms: number): string {
  const what = waits.some((w) => w.kind === 'soak') ? 'Soak' : 'Sustained condition';
  return `${what}: ${input.phase.name}, ${humanDuration(ms)}`;
}

export function humanDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size) {
      const n = Math.round(ms / size);
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${Math.max(0, Math.round(ms))} ms`;
}
