import { DAY, HOUR, pilotPhase } from './engine.fixtures';
import {
  applyItemAction,
  applySignOff,
  checkItemAction,
  checkSignOff,
  itemActionRecord,
  type ItemAction,
  signOffRecord,
} from './actions';
import { enterPhase, observeSustained, type PhaseState } from './phase';

const t0 = Date.UTC(2026, 10, 1);
const alice = { id: 'alice', roles: ['ops'] };
const bob = { id: 'bob', roles: ['viewer'] };
const fiona = { id: 'fiona', roles: ['Finance'] };
const rm = { id: 'rita', roles: ['release-manager'] };

function act(phase: PhaseState, action: ItemAction) {
  const refused = checkItemAction(phase, action);
  if (!refused) applyItemAction(phase, action, t0);
  return refused;
}

describe('item actions', () => {
  test('unknown items and missing roles are refused and change nothing', () => {
    const phase = enterPhase(pilotPhase, t0);
    const before = JSON.stringify(phase);
    expect(act(phase, { type: 'complete', itemId: 'nope', actor: alice })).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(act(phase, { type: 'complete', itemId: 'probes', actor: bob })).toEqual({
      code: 'FORBIDDEN',
      message: 'Only ops may complete "probes"',
    });
    expect(act(phase, { type: 'complete', itemId: 'availability', actor: alice })?.code).toBe(
      'BAD_USER_INPUT',
    );
    expect(JSON.stringify(phase)).toBe(before);
  });

  test('role names match however the plan spells them, and admins may act on anything', () => {
    const phase = enterPhase(pilotPhase, t0);
    expect(
      act(phase, { type: 'complete', itemId: 'probes', actor: { id: 'x', roles: ['OPS'] } }),
    ).toBeUndefined();
    expect(
      act(phase, { type: 'complete', itemId: 'onboarded', actor: { id: 'y', roles: ['admin'] } }),
    ).toBeUndefined();
  });

  test('repeating an accepted action is a no-op; someone else repeating it is a conflict', () => {
    const phase = enterPhase(pilotPhase, t0);
    expect(act(phase, { type: 'complete', itemId: 'onboarded', actor: alice, note: 'done' })).toBeUndefined();
    const after = JSON.stringify(phase);
    expect(
      act(phase, { type: 'complete', itemId: 'onboarded', actor: alice, note: 'again' }),
    ).toBeUndefined();
    expect(JSON.stringify(phase)).toBe(after);
    expect(act(phase, { type: 'complete', itemId: 'onboarded', actor: bob })).toEqual({
      code: 'CONFLICT',
      message: '"onboarded" is already done by alice',
    });
  });

  test("separation of duties: whoever did an approval item's work may not approve it", () => {
    const phase = enterPhase(pilotPhase, t0);
    const both = { id: 'fiona', roles: ['Finance'] };
    expect(act(phase, { type: 'approve', itemId: 'finance', actor: fiona })?.message).toMatch(
      /no completed work/,
    );
    expect(act(phase, { type: 'complete', itemId: 'finance', actor: both })).toBeUndefined();
    expect(act(phase, { type: 'approve', itemId: 'finance', actor: both })).toEqual({
      code: 'FORBIDDEN',
      message: 'fiona did the work of "finance" and may not also approve it',
    });
    expect(act(phase, { type: 'approve', itemId: 'finance', actor: alice })?.code).toBe('FORBIDDEN');
    expect(
      act(phase, { type: 'approve', itemId: 'finance', actor: { id: 'frank', roles: ['finance'] } }),
    ).toBeUndefined();
    expect(phase.items[2]).toMatchObject({ status: 'APPROVED', doneBy: 'fiona', approvedBy: 'frank' });
  });

  test('skip needs a role and a justification; reopen clears the item', () => {
    const phase = enterPhase(pilotPhase, t0);
    expect(act(phase, { type: 'skip', itemId: 'probes', actor: rm, justification: ' ' })?.code).toBe(
      'BAD_USER_INPUT',
    );
    expect(act(phase, { type: 'skip', itemId: 'probes', actor: alice, justification: 'n/a' })?.code).toBe(
      'FORBIDDEN',
    );
    expect(
      act(phase, { type: 'skip', itemId: 'probes', actor: rm, justification: 'probes retired' }),
    ).toBeUndefined();
    expect(phase.items[1]).toMatchObject({ status: 'SKIPPED', skipJustification: 'probes retired' });
    expect(act(phase, { type: 'reopen', itemId: 'probes', actor: rm })).toBeUndefined();
    expect(phase.items[1]).toEqual(expect.objectContaining({ status: 'OPEN' }));
    expect(phase.items[1].skipJustification).toBeUndefined();
  });
});

describe('gate sign-off', () => {
  /** Every item done and approved, no soak: only the 24 h condition is left. */
  function doneButSustained(): PhaseState {
    const phase = enterPhase({ ...pilotPhase, duration: undefined }, t0);
    act(phase, { type: 'complete', itemId: 'onboarded', actor: alice });
    act(phase, { type: 'complete', itemId: 'probes', actor: alice });
    act(phase, { type: 'complete', itemId: 'finance', actor: rm });
    act(phase, { type: 'approve', itemId: 'finance', actor: fiona });
    return phase;
  }
  /** Ready for its sign-off at t0 + 1 day: the condition has held since t0. */
  function readyPhase(): PhaseState {
    const phase = doneButSustained();
    observeSustained(phase, 'availability', true, t0);
    observeSustained(phase, 'availability', true, t0 + DAY);
    return phase;
  }
  const ready = t0 + DAY;

  test('refused early, naming the open items, the sustained condition, the soak end and the signers', () => {
    const phase = enterPhase(pilotPhase, t0);
    act(phase, { type: 'complete', itemId: 'finance', actor: alice });
    const now = t0 + HOUR;
    expect(checkSignOff(phase, { actor: rm }, [], now)).toEqual({
      code: 'CONFLICT',
      message:
        'Phase pilot is not ready for sign-off: ' +
        'open items: onboarded "Pilot participants onboarded", probes "EF probes green"; ' +
        'approvals: finance "Payment instructions confirmed by Finance" by Finance; ' +
        'sustained conditions: availability "EF availability green for 24h" not holding yet (needs 1 day); ' +
        'soak until 2026-11-15T00:00:00Z (in 13 d 23 h); ' +
        'then sign-off by admin or release-manager',
    });
    // The plan's own signers are named when it has them.
    expect(checkSignOff(phase, { actor: rm }, ['release-manager', 'cto'], now)?.message).toMatch(
      /then sign-off by release-manager or cto$/,
    );
  });

  test('a sustained condition that holds is named with the moment it will have held', () => {
    const phase = doneButSustained();
    observeSustained(phase, 'availability', true, t0 + HOUR);
    expect(checkSignOff(phase, { actor: { id: 'rolf', roles: ['admin'] } }, [], t0 + 2 * HOUR)?.message).toBe(
      'Phase pilot is not ready for sign-off: ' +
        'sustained conditions: availability "EF availability green for 24h" holds until ' +
        '2026-11-02T01:00:00Z (in 23 h); then sign-off by admin or release-manager',
    );
  });

  test('refused to the wrong role or to who did approval work; a repeat is a no-op', () => {
    const phase = readyPhase();
    expect(checkSignOff(phase, { actor: bob }, [], ready)).toEqual({
      code: 'FORBIDDEN',
      message: 'Only admin or release-manager may sign the gate of phase pilot',
    });
    expect(checkSignOff(phase, { actor: rm }, [], ready)).toEqual({
      code: 'FORBIDDEN',
      message: 'rita did approval work in phase pilot and may not also sign its gate',
    });
    const other = { id: 'rolf', roles: ['release-manager'] };
    expect(checkSignOff(phase, { actor: other }, [], ready)).toBeUndefined();
    applySignOff(phase, { actor: other, note: 'go' }, ready + HOUR);
    expect(phase.gate).toEqual({ signedBy: 'rolf', signedAt: ready + HOUR, note: 'go' });
    expect(checkSignOff(phase, { actor: other }, [], ready)).toBeUndefined(); // repeat: no-op
    expect(checkSignOff(phase, { actor: { id: 'x', roles: ['admin'] } }, [], ready)?.code).toBe('CONFLICT');
  });
});

describe('audit records of accepted actions', () => {
  test('name the actor, the action, the item and their words; a repeat has none', () => {
    const phase = enterPhase(pilotPhase, t0);
    const complete: ItemAction = {
      type: 'complete',
      itemId: 'probes',
      actor: alice,
      note: 'green',
      evidence: 'https://ci/7',
    };
    expect(itemActionRecord(phase, complete)).toEqual({
      actor: 'alice',
      action: 'checklist.complete',
      target: 'probes',
      payload: { phase: phase.id, roles: ['ops'], note: 'green', evidence: 'https://ci/7' },
    });
    act(phase, complete);
    expect(itemActionRecord(phase, complete)).toBeUndefined();
    const skip: ItemAction = { type: 'skip', itemId: 'onboarded', actor: rm, justification: 'not needed' };
    expect(itemActionRecord(phase, skip)).toMatchObject({
      action: 'checklist.skip',
      payload: { justification: 'not needed' },
    });
    expect(itemActionRecord(phase, { ...complete, itemId: 'nope' })).toBeUndefined();
  });

  test('a sign-off is recorded once', () => {
    const phase = enterPhase(pilotPhase, t0);
    expect(signOffRecord(phase, { actor: rm, note: 'go' })).toEqual({
      actor: 'rita',
      action: 'gate.sign',
      target: phase.id,
      payload: { phase: phase.id, roles: ['release-manager'], note: 'go' },
    });
    applySignOff(phase, { actor: rm }, t0);
    expect(signOffRecord(phase, { actor: rm })).toBeUndefined();
  });
});
