import { DAY, HOUR, pilotPhase } from './engine.fixtures';
import { applyItemAction } from './actions';
import {
  enterPhase,
  nextTimeChange,
  observeSustained,
  onlySignOffLeft,
  tickSustained,
  waitsOf,
} from './phase';

const t0 = Date.UTC(2026, 10, 1);
const alice = { id: 'alice', roles: ['ops'] };
const fiona = { id: 'fiona', roles: ['finance'] };

describe('phase state', () => {
  test('entering sets the soak from the plan and opens every item', () => {
    const phase = enterPhase(pilotPhase, t0);
    expect(phase.minUntil).toBe(t0 + 14 * DAY);
    expect(phase.items.map((i) => [i.id, i.status])).toEqual([
      ['onboarded', 'OPEN'],
      ['probes', 'OPEN'],
      ['finance', 'OPEN'],
      ['availability', 'OPEN'],
    ]);
    expect(waitsOf(phase, t0)).toEqual([
      { kind: 'items', ids: ['onboarded', 'probes', 'finance'] },
      { kind: 'sustained', ids: ['availability'], dueAt: undefined },
      { kind: 'soak', until: t0 + 14 * DAY },
      { kind: 'sign-off' },
    ]);
  });

  test('a sustained item is done only after holding for its whole duration; a failure restarts the clock', () => {
    const phase = enterPhase(pilotPhase, t0);
    observeSustained(phase, 'availability', true, t0);
    observeSustained(phase, 'availability', true, t0 + 20 * HOUR);
    expect(nextTimeChange(phase, t0 + 20 * HOUR)).toBe(t0 + DAY);
    observeSustained(phase, 'availability', false, t0 + 23 * HOUR);
    observeSustained(phase, 'availability', true, t0 + 25 * HOUR);
    observeSustained(phase, 'availability', true, t0 + 48 * HOUR);
    expect(phase.items[3].status).toBe('OPEN');
    expect(nextTimeChange(phase, t0 + 48 * HOUR)).toBe(t0 + 49 * HOUR);
    tickSustained(phase, t0 + 49 * HOUR); // the timer at the due time: still healthy, so it has held
    expect(phase.items[3]).toMatchObject({ status: 'DONE', doneAt: t0 + 49 * HOUR, doneBy: 'engine' });
  });

  test('an approval waits for its approver once the work is done; then only the soak and the gate remain', () => {
    const phase = enterPhase(pilotPhase, t0);
    applyItemAction(phase, { type: 'complete', itemId: 'onboarded', actor: alice }, t0);
    applyItemAction(phase, { type: 'complete', itemId: 'probes', actor: alice }, t0);
    applyItemAction(phase, { type: 'complete', itemId: 'finance', actor: alice }, t0);
    expect(waitsOf(phase, t0)[0]).toEqual({ kind: 'approvals', ids: ['finance'] });
    applyItemAction(phase, { type: 'approve', itemId: 'finance', actor: fiona }, t0);
    observeSustained(phase, 'availability', true, t0);
    observeSustained(phase, 'availability', true, t0 + DAY);
    expect(waitsOf(phase, t0 + DAY)).toEqual([{ kind: 'soak', until: t0 + 14 * DAY }, { kind: 'sign-off' }]);
    expect(onlySignOffLeft(waitsOf(phase, t0 + 14 * DAY))).toBe(true);
  });
});
