import { screen, within } from '@testing-library/react';
import { renderUi } from '../../test/render';
import { PhaseTimeline, type TimelinePhase, timelineSteps } from './PhaseTimeline';

const now = Date.parse('2026-03-10T12:00:00Z');
const phases: TimelinePhase[] = [
  {
    id: 'staging',
    name: 'Staging',
    status: 'COMPLETED',
    enteredAt: '2026-03-01T10:00:00Z',
    completedAt: '2026-03-03T10:00:00Z',
  },
  {
    id: 'pilot',
    name: 'Pilot',
    status: 'RUNNING',
    enteredAt: '2026-03-10T09:30:00Z',
    soakUntil: '2026-03-11T09:30:00Z',
  },
  { id: 'production', name: 'Production', status: 'PENDING' },
];

describe('timelineSteps', () => {
  it('marks only the current, unfinished phase and numbers phases from 1', () => {
    const steps = timelineSteps(phases, 'pilot', now);
    expect(steps.map((s) => [s.position, s.id, s.current])).toEqual([
      [1, 'staging', false],
      [2, 'pilot', true],
      [3, 'production', false],
    ]);
  });

  it('says how long the current phase has run and how much soak is left', () => {
    const pilot = timelineSteps(phases, 'pilot', now)[1];
    expect(pilot.detail).toBe('in phase for 2 h 30 min of at least 24 h · soak: 21 h 30 min left');
    const later = timelineSteps(phases, 'pilot', Date.parse('2026-03-11T10:00:00Z'))[1];
    expect(later.detail).toContain('soak done');
  });

  it('counts down a sustained condition of the running phase until it has held long enough', () => {
    const pilot: TimelinePhase = {
      id: 'pilot',
      name: 'Pilot',
      status: 'RUNNING',
      enteredAt: '2026-03-10T11:00:00Z',
      checklist: [
        { title: 'EF green', kind: 'SUSTAINED', status: 'OPEN', sustainedDueAt: '2026-03-10T14:15:00Z' },
        { title: 'Done already', kind: 'SUSTAINED', status: 'DONE', sustainedDueAt: '2026-03-10T13:00:00Z' },
        { title: 'Plain item', kind: 'TASK', status: 'OPEN' },
      ],
    };
    expect(timelineSteps([pilot], 'pilot', now)[0].detail).toBe(
      'in phase for 1 h · EF green: held for 2 h 15 min more',
    );
    const after = timelineSteps([pilot], 'pilot', Date.parse('2026-03-10T14:16:00Z'))[0];
    expect(after.detail).toBe('in phase for 3 h 16 min · EF green: held long enough');
  });

  it('describes phases not started, entering and cancelled', () => {
    const steps = timelineSteps(
      [
        { id: 'a', name: 'A', status: 'ENTERING' },
        { id: 'b', name: 'B', status: 'CANCELLED' },
        { id: 'c', name: 'C', status: 'PENDING' },
      ],
      'a',
      now,
    );
    expect(steps.map((s) => s.detail)).toEqual([
      'entering: flags and messages being applied',
      'cancelled',
      'not started',
    ]);
  });

  it('has no current phase once the current one completed or was cancelled (the rollout ended in it)', () => {
    const done = phases.map((p) => ({ ...p, status: 'COMPLETED' as const }));
    expect(timelineSteps(done, 'production', now).some((s) => s.current)).toBe(false);
    const rolledBack = phases.map((p) => (p.id === 'pilot' ? { ...p, status: 'CANCELLED' as const } : p));
    expect(timelineSteps(rolledBack, 'pilot', now).some((s) => s.current)).toBe(false);
  });
});

describe('<PhaseTimeline>', () => {
  it('renders the phases in order as a list, the current one with aria-current="step"', () => {
    renderUi(<PhaseTimeline phases={phases} currentPhase="pilot" now={now} />);
    const nav = screen.getByRole('navigation', { name: 'Phases' });
    const items = within(nav).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      expect.stringContaining('1. Staging'),
      expect.stringContaining('2. Pilot'),
      expect.stringContaining('3. Production'),
    ]);
    expect(items.filter((li) => li.getAttribute('aria-current') === 'step')).toEqual([items[1]]);
    expect(items[1].textContent).toContain('current');
  });
});
