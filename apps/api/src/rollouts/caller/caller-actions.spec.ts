import { pilotPhase, quickLevel } from '../../../../../workflows/engine/engine.fixtures';
import { applyItemAction, applySignOff } from '../../../../../workflows/engine/actions';
import type { EngineState } from '../../../../../workflows/engine/messages';
import { type Actor, enterPhase, type PhaseState } from '../../../../../workflows/engine/phase';
import { markStep, planRollback } from '../../../../../workflows/engine/rollback';
import {
  type CallerView,
  gateFor,
  itemActionsFor,
  rolloutActionsFor,
  rolloutPolicies,
  stepActionsFor,
} from './caller-actions';
import { waitingIn } from './waiting';

const otto: Actor = { id: 'otto', roles: ['operator'] };
const fiona: Actor = { id: 'fiona', roles: ['finance'] };
const rita: Actor = { id: 'rita', roles: ['release-manager'] };
const viewer: Actor = { id: 'vic', roles: ['viewer'] };

/** The pilot phase without its soak, entered at 0. */
function pilot(): PhaseState {
  return enterPhase({ ...pilotPhase, duration: undefined }, 0);
}

function stateOf(status: EngineState['status'], extra: Partial<EngineState> = {}): EngineState {
  return {
    rolloutId: 'r1',
    plan: 'merchant-launch',
    status,
    currentPhaseId: 'pilot',
    breaches: [],
    startedBy: 'rita',
    startedAt: 0,
    phases: [{ id: 'pilot', name: 'Pilot', status: 'RUNNING', enteredAt: 0 }],
    compensations: [],
    reviews: [],
    events: [],
    ...extra,
  };
}

const viewOf = (phase: PhaseState, state = stateOf('RUNNING')): CallerView => ({
  state,
  phase,
  policies: rolloutPolicies(),
});

const item = (id: string) => ({ id, phaseId: 'pilot' });

describe('what the caller may do (the engine rules, asked)', () => {
  test('an operator does approval work but may not approve it; someone of the named role may', () => {
    const phase = pilot();
    expect(itemActionsFor(viewOf(phase), item('finance'), otto).allowed).toEqual(['COMPLETE']);
    applyItemAction(phase, { type: 'complete', itemId: 'finance', actor: otto }, 1);
    const own = itemActionsFor(viewOf(phase), item('finance'), otto);
    expect(own.allowed).toEqual(['REOPEN']);
    expect(own.refusals.find((r) => r.action === 'APPROVE')).toMatchObject({ code: 'FORBIDDEN' });
    // A repeat of what otto did changes nothing: not offered.
    expect(own.refusals.find((r) => r.action === 'COMPLETE')?.code).toBe('CONFLICT');
    expect(itemActionsFor(viewOf(phase), item('finance'), fiona).allowed).toEqual(['APPROVE', 'REOPEN']);
    // Role names compare as plans write them; the same person folded by name is still the same person.
    expect(
      itemActionsFor(viewOf(phase), item('finance'), { id: 'Otto', roles: ['Finance'] }).allowed,
    ).toEqual(['REOPEN']);
  });

  test('skips are for skip roles; items of a phase that is not current, or of a rollout not live, are not offered', () => {
    const phase = pilot();
    expect(itemActionsFor(viewOf(phase), item('onboarded'), rita).allowed).toEqual(['COMPLETE', 'SKIP']);
    expect(itemActionsFor(viewOf(phase), item('onboarded'), viewer).allowed).toEqual(['COMPLETE']);
    expect(itemActionsFor(viewOf(phase), item('probes'), viewer).allowed).toEqual([]);
    const other = itemActionsFor(viewOf(phase), { id: 'x', phaseId: 'launch' }, rita);
    expect(other.allowed).toEqual([]);
    expect(other.refusals[0].message).toMatch(/not the current phase/);
    const rolling = itemActionsFor(viewOf(phase, stateOf('ROLLING_BACK')), item('onboarded'), rita);
    expect(rolling.allowed).toEqual([]);
    expect(rolling.refusals[0]).toMatchObject({ code: 'CONFLICT' });
    expect(itemActionsFor({ ...viewOf(phase), terminated: true }, item('onboarded'), rita).allowed).toEqual(
      [],
    );
  });

  test('the gate: what is missing, then who may sign it (separation of duties included)', () => {
    const phase = pilot();
    const before = gateFor(viewOf(phase), rita, 10);
    expect(before.canSignOff).toBe(false);
    expect(before.signers).toEqual(['admin', 'release-manager']);
    expect(before.missing[0]).toMatch(/^open items: onboarded "Pilot participants onboarded"/);
    expect(before.refusal?.message).toMatch(/is not ready for sign-off/);
    for (const id of ['onboarded', 'probes', 'finance'])
      applyItemAction(phase, { type: 'complete', itemId: id, actor: { id: 'ops', roles: ['ops'] } }, 1);
    applyItemAction(phase, { type: 'approve', itemId: 'finance', actor: fiona }, 2);
    applyItemAction(phase, { type: 'skip', itemId: 'availability', actor: rita, justification: 'j' }, 3);
    const ready = viewOf(phase, stateOf('WAITING_FOR_SIGN_OFF'));
    expect(gateFor(ready, rita, 10)).toMatchObject({ canSignOff: true, missing: [] });
    expect(gateFor(ready, otto, 10)).toMatchObject({ canSignOff: false });
    expect(gateFor(ready, otto, 10).refusal?.code).toBe('FORBIDDEN');
    applySignOff(phase, { actor: rita }, 11);
    expect(gateFor(ready, rita, 12).canSignOff).toBe(false);
  });

  test('rollout actions and a failed rollback step follow the rollout rules', () => {
    const phase = pilot();
    expect(rolloutActionsFor(viewOf(phase), otto).allowed).toEqual(['PAUSE', 'ROLL_BACK', 'ABORT']);
    expect(rolloutActionsFor(viewOf(phase, stateOf('PAUSED')), otto).allowed).toEqual([
      'RESUME',
      'ROLL_BACK',
      'ABORT',
    ]);
    expect(rolloutActionsFor(viewOf(phase), viewer).allowed).toEqual([]);
    const rollback = planRollback([], quickLevel, { reason: 'r', requestedBy: 'olga' }, 0);
    markStep(rollback, 'revert-deployment', 'FAILED', 5, 'HTTP 500');
    const failed = viewOf(phase, stateOf('ROLLBACK_FAILED', { rollback, currentPhaseId: undefined }));
    expect(rolloutActionsFor(failed, otto).allowed).toEqual([]);
    expect(stepActionsFor(failed, 'revert-deployment', otto).allowed).toEqual(['RETRY', 'RESOLVE']);
    expect(stepActionsFor(failed, 'banner', otto).allowed).toEqual([]);
    expect(stepActionsFor(failed, 'revert-deployment', viewer).allowed).toEqual([]);
  });

  test("a rollout's own policy (its start parameters) is the one asked", () => {
    const phase = pilot();
    const view = { ...viewOf(phase), policies: rolloutPolicies({ policy: { operatorRoles: ['sre'] } }) };
    expect(rolloutActionsFor(view, otto).allowed).toEqual([]);
    expect(rolloutActionsFor(view, { id: 's', roles: ['sre'] }).allowed).toEqual([
      'PAUSE',
      'ROLL_BACK',
      'ABORT',
    ]);
  });
});

describe('waiting on me (one rollout)', () => {
  test('items to complete, work to approve, a gate to sign, a failed step: each for whoever may act', () => {
    const phase = pilot();
    const policies = rolloutPolicies();
    applyItemAction(phase, { type: 'complete', itemId: 'finance', actor: otto }, 7);
    const state = stateOf('RUNNING');
    const fin = waitingIn({ state, phase, policies }, fiona, 10);
    expect(fin.map((w) => [w.kind, w.itemId, w.since])).toEqual([
      ['ITEM', 'onboarded', 0],
      ['APPROVAL', 'finance', 7],
    ]);
    expect(waitingIn({ state, phase, policies }, otto, 10).map((w) => w.itemId)).toEqual(['onboarded']);
    for (const id of ['onboarded', 'probes'])
      applyItemAction(phase, { type: 'complete', itemId: id, actor: { id: 'ops', roles: ['ops'] } }, 8);
    applyItemAction(phase, { type: 'approve', itemId: 'finance', actor: fiona }, 9);
    applyItemAction(phase, { type: 'skip', itemId: 'availability', actor: rita, justification: 'j' }, 12);
    const waiting = stateOf('WAITING_FOR_SIGN_OFF');
    expect(waitingIn({ state: waiting, phase, policies }, rita, 20)).toEqual([
      expect.objectContaining({ kind: 'GATE', phaseId: 'pilot', actions: ['SIGN_OFF'], since: 12 }),
    ]);
    expect(waitingIn({ state: waiting, phase, policies }, viewer, 20)).toEqual([]);
    const rollback = planRollback([], quickLevel, { reason: 'r', requestedBy: 'olga' }, 0);
    markStep(rollback, 'revert-deployment', 'FAILED', 30, 'HTTP 500');
    const failed = stateOf('ROLLBACK_FAILED', { rollback, currentPhaseId: undefined });
    expect(waitingIn({ state: failed, policies }, otto, 40)).toEqual([
      expect.objectContaining({
        kind: 'ROLLBACK_STEP',
        stepId: 'revert-deployment',
        actions: ['RETRY', 'RESOLVE'],
        since: 30,
      }),
    ]);
  });
});
