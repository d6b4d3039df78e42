import { applyItemAction, checkItemAction, checkSignOff, DEFAULT_POLICY, type ItemAction } from './actions';
import { pilotPhase } from './engine.fixtures';
import { enterPhase } from './phase';

// Users and roles compare by one key (libs/auth/src/names.ts): `Otto` is `otto`, `Viewer` is `viewer`.

const t0 = Date.UTC(2026, 10, 1);
const folding = { ...DEFAULT_POLICY, foldUserNames: true };

function approvalDoneBy(id: string) {
  const phase = enterPhase(pilotPhase, t0);
  const work: ItemAction = { type: 'complete', itemId: 'finance', actor: { id, roles: ['ops'] } };
  expect(checkItemAction(phase, work, folding)).toBeUndefined();
  applyItemAction(phase, work, t0);
  return phase;
}

test('Otto may not approve work done by otto (separation of duties by key)', () => {
  const phase = approvalDoneBy('otto');
  const approve: ItemAction = {
    type: 'approve',
    itemId: 'finance',
    actor: { id: 'Otto', roles: ['finance'] },
  };
  expect(checkItemAction(phase, approve, folding)).toEqual({
    code: 'FORBIDDEN',
    message: 'Otto did the work of "finance" and may not also approve it',
  });
  // Runs recorded before the patch compared users exactly, and still do on replay.
  expect(checkItemAction(phase, approve, DEFAULT_POLICY)).toBeUndefined();
  // Someone else approves.
  expect(checkItemAction(phase, { ...approve, actor: { id: 'fiona', roles: ['finance'] } }, folding)).toBe(
    undefined,
  );
});

test('OTTO, who did approval work, may not sign the gate either', () => {
  // A phase whose only item is the approval, done by otto and approved: ready for its sign-off.
  const finance = pilotPhase.checklist.filter((i) => i.id === 'finance');
  const phase = enterPhase({ ...pilotPhase, duration: undefined, checklist: finance }, t0);
  const fiona = { id: 'fiona', roles: ['finance'] };
  applyItemAction(phase, { type: 'complete', itemId: 'finance', actor: { id: 'otto', roles: ['ops'] } }, t0);
  applyItemAction(phase, { type: 'approve', itemId: 'finance', actor: fiona }, t0);
  const signOff = { actor: { id: ' OTTO ', roles: ['release-manager'] } };
  expect(checkSignOff(phase, signOff, [], t0, folding)).toMatchObject({ code: 'FORBIDDEN' });
});

test('roles compare by key: Finance, finance and " FINANCE " are one role', () => {
  const phase = approvalDoneBy('alice');
  const approve: ItemAction = {
    type: 'approve',
    itemId: 'finance',
    actor: { id: 'fiona', roles: [' FINANCE '] },
  };
  expect(checkItemAction(phase, approve, folding)).toBeUndefined();
});
