import type { Phase } from '../../libs/plan/src/model';
import { applyItemAction } from './actions';
import { DAY, HOUR, pilotPhase } from './engine.fixtures';
import {
  dueTimers,
  itemTimers,
  nextItemTimer,
  overdueItems,
  recordTimer,
  MIN_SCALED_TIMER_MS,
  scaleItemTimers,
  scalePhase,
} from './item-timers';
import { enterPhase, nextTimeChange, waitsOf, type PhaseState } from './phase';

const t0 = Date.UTC(2026, 10, 1);
const olga = { id: 'olga', roles: ['ops'] };
const paula = { id: 'paula', roles: ['project-lead'] };

/** The pilot with a daily check-in and an approval that must be approved within 4 hours of entry. */
const timed: Phase = {
  ...pilotPhase,
  checklist: [
    { id: 'daily', title: 'Daily check-ins', kind: 'manual', every: 'P1D' },
    {
      id: 'overrides',
      title: 'Quiet hour overrides approved by project lead',
      kind: 'approval',
      roles: ['project-lead'],
      deadline: 'PT4H',
    },
  ],
};

/** Fires everything due at `now`, as the phase workflow does, and returns what fired. */
function fireAt(phase: PhaseState, now: number) {
  const fired = dueTimers(phase, now);
  for (const timer of fired) recordTimer(phase, timer, now);
  return fired;
}

describe('item timers', () => {
  test('an item without every or deadline brings no timer and no state', () => {
    const phase = enterPhase(pilotPhase, t0);
    expect(itemTimers(phase)).toEqual([]);
    expect(dueTimers(phase, t0 + 30 * DAY)).toEqual([]);
    expect(nextItemTimer(phase, t0)).toBeUndefined();
    for (const item of phase.items)
      for (const key of ['everyMs', 'checkIns', 'nextCheckInAt', 'deadlineAt', 'overdueAt'])
        expect(item).not.toHaveProperty(key);
  });

  test('entering a phase sets the first check-in one period on and the deadline from entry', () => {
    const phase = enterPhase(timed, t0);
    expect(phase.items[0]).toMatchObject({ everyMs: DAY, checkIns: 0, nextCheckInAt: t0 + DAY });
    expect(phase.items[1]).toMatchObject({ deadlineAt: t0 + 4 * HOUR });
    expect(itemTimers(phase)).toEqual([
      {
        kind: 'deadline',
        itemId: 'overrides',
        title: 'Quiet hour overrides approved by project lead',
        at: t0 + 4 * HOUR,
      },
      { kind: 'check-in', itemId: 'daily', title: 'Daily check-ins', at: t0 + DAY, occurrence: 1 },
    ]);
    // Neither holds the phase, and neither is a time the phase's own waits change at.
    expect(waitsOf(phase, t0).map((w) => w.kind)).toEqual(['items', 'soak', 'sign-off']);
    expect(nextTimeChange(phase, t0)).toBe(t0 + 14 * DAY);
  });

  test('a daily check-in over a 14-day soak: reminders 1 to 14, one per day, numbered by the day', () => {
    const phase = enterPhase(timed, t0);
    applyItemAction(phase, { type: 'complete', itemId: 'daily', actor: olga }, t0); // done does not stop them
    const occurrences: number[] = [];
    for (let now = t0; now <= t0 + 14 * DAY;) {
      const next = nextItemTimer(phase, now);
      if (!next || next.at > t0 + 14 * DAY) break;
      now = next.at;
      occurrences.push(...fireAt(phase, now).flatMap((t) => (t.kind === 'check-in' ? [t.occurrence] : [])));
    }
    expect(occurrences).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(phase.items[0]).toMatchObject({ checkIns: 14, nextCheckInAt: t0 + 15 * DAY, status: 'DONE' });
  });

  test('nothing is due before its time; a check-in is due exactly at its time', () => {
    const phase = enterPhase(timed, t0);
    expect(dueTimers(phase, t0 + DAY - 1).map((t) => t.kind)).toEqual(['deadline']);
    expect(dueTimers(phase, t0 + DAY).map((t) => t.kind)).toEqual(['deadline', 'check-in']);
    expect(nextItemTimer(phase, t0 + 4 * HOUR - 1)?.kind).toBe('deadline');
    expect(nextItemTimer(phase, t0 + 4 * HOUR)?.kind).toBe('check-in');
  });

  test('a late wake sends one reminder numbered for the latest period passed, not a burst', () => {
    const phase = enterPhase(timed, t0);
    const fired = fireAt(phase, t0 + 3 * DAY + 5 * HOUR);
    expect(fired.filter((t) => t.kind === 'check-in')).toEqual([
      expect.objectContaining({ occurrence: 3, at: t0 + DAY }),
    ]);
    expect(phase.items[0]).toMatchObject({ checkIns: 1, nextCheckInAt: t0 + 4 * DAY });
    expect(nextItemTimer(phase, t0 + 3 * DAY + 5 * HOUR)).toMatchObject({ occurrence: 4 });
  });

  test('a deadline passed with the work done but not approved escalates once and marks the item overdue', () => {
    const phase = enterPhase(timed, t0);
    applyItemAction(phase, { type: 'complete', itemId: 'overrides', actor: olga }, t0 + HOUR);
    expect(fireAt(phase, t0 + 4 * HOUR)).toEqual([expect.objectContaining({ kind: 'deadline' })]);
    expect(phase.items[1].overdueAt).toBe(t0 + 4 * HOUR);
    expect(overdueItems(phase).map((i) => i.id)).toEqual(['overrides']);
    expect(fireAt(phase, t0 + 5 * HOUR)).toEqual([]);
    expect(itemTimers(phase).map((t) => t.kind)).toEqual(['check-in']);
    // Approved late: no longer overdue to show, still recorded as having been.
    applyItemAction(phase, { type: 'approve', itemId: 'overrides', actor: paula }, t0 + 6 * HOUR);
    expect(overdueItems(phase)).toEqual([]);
    expect(phase.items[1].overdueAt).toBe(t0 + 4 * HOUR);
  });

  test('an item finished in time has no deadline left; one reopened after it escalates at once', () => {
    const phase = enterPhase(timed, t0);
    applyItemAction(phase, { type: 'complete', itemId: 'overrides', actor: olga }, t0 + HOUR);
    applyItemAction(phase, { type: 'approve', itemId: 'overrides', actor: paula }, t0 + 2 * HOUR);
    expect(itemTimers(phase).map((t) => t.kind)).toEqual(['check-in']);
    expect(fireAt(phase, t0 + 5 * HOUR)).toEqual([]);
    applyItemAction(phase, { type: 'reopen', itemId: 'overrides', actor: paula }, t0 + 6 * HOUR);
    expect(fireAt(phase, t0 + 6 * HOUR)).toEqual([expect.objectContaining({ kind: 'deadline' })]);
  });

  test('skipping a recurring item stops its reminders', () => {
    const phase = enterPhase(timed, t0);
    applyItemAction(
      phase,
      {
        type: 'skip',
        itemId: 'daily',
        actor: { id: 'rita', roles: ['release-manager'] },
        justification: 'n/a',
      },
      t0,
    );
    expect(itemTimers(phase).map((t) => t.kind)).toEqual(['deadline']);
  });

  test('a rehearsal scales periods and deadlines like the soak', () => {
    const phase = enterPhase(timed, t0);
    scaleItemTimers(phase, 0.01);
    expect(phase.items[0]).toMatchObject({ everyMs: 864_000, nextCheckInAt: t0 + 864_000 });
    expect(phase.items[1].deadlineAt).toBe(t0 + 144_000);
    expect(fireAt(phase, t0 + 2 * 864_000).map((t) => (t.kind === 'check-in' ? t.occurrence : 0))).toEqual([
      0, 2,
    ]);
  });

  test('but never below a minute: a reminder every few milliseconds would only flood the channel', () => {
    const phase = enterPhase(timed, t0);
    scaleItemTimers(phase, 1e-7);
    expect(phase.items[0]).toMatchObject({ everyMs: MIN_SCALED_TIMER_MS });
    expect(phase.items[1].deadlineAt).toBe(t0 + MIN_SCALED_TIMER_MS);
  });

  test('a rehearsal scales the whole phase: soak, sustain durations and item timers; 1 changes nothing', () => {
    const phase = scalePhase(enterPhase(pilotPhase, t0), 0.001);
    expect(phase.minUntil).toBe(t0 + 14 * DAY * 0.001);
    expect(phase.items.find((i) => i.id === 'availability')?.sustainMs).toBe(DAY * 0.001);
    const asPlanned = enterPhase(timed, t0);
    expect(scalePhase(enterPhase(timed, t0), 1)).toEqual(asPlanned);
    expect(scalePhase(enterPhase(timed, t0), 0.01).items[0].everyMs).toBe(864_000);
  });
});
