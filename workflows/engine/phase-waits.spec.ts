import { applyItemAction, applySignOff } from './actions';
import { DAY, HOUR, pilotPhase } from './engine.fixtures';
import { enterPhase, observeSustained } from './phase';
import {
  itemTimerSummary,
  notReadyForSignOff,
  phaseDetails,
  waitPhrases,
  waitTimerSummary,
} from './phase-waits';

const t0 = Date.UTC(2026, 10, 1);
const alice = { id: 'alice', roles: ['ops'] };
const signers = ['release-manager', 'admin'];
const label = { name: 'Pilot', plan: 'merchant-launch', rolloutId: 'r1' };

describe('what a phase waits for, in words', () => {
  test('names open items and approvals by id and title, the sustained condition, the soak end and the signers', () => {
    const phase = enterPhase(pilotPhase, t0);
    applyItemAction(phase, { type: 'complete', itemId: 'finance', actor: alice }, t0);
    expect(waitPhrases(phase, t0 + HOUR, signers)).toEqual([
      'open items: onboarded "Pilot participants onboarded", probes "EF probes green"',
      'approvals: finance "Payment instructions confirmed by Finance" by Finance',
      'sustained conditions: availability "EF availability green for 24h" not holding yet (needs 1 day)',
      'soak until 2026-11-15T00:00:00Z (in 13 d 23 h)',
      'sign-off by release-manager or admin',
    ]);
  });

  test('a sign-off is not refused once only the sign-off is left', () => {
    const phase = enterPhase({ ...pilotPhase, checklist: [] }, t0);
    expect(notReadyForSignOff(phase, t0 + 7 * DAY, signers)).toBe(
      'Phase pilot is not ready for sign-off: soak until 2026-11-15T00:00:00Z (in 7 d); ' +
        'then sign-off by release-manager or admin',
    );
    expect(notReadyForSignOff(phase, t0 + 14 * DAY, signers)).toBeUndefined();
  });

  test("the phase's current details list the same words, then what is overdue", () => {
    const phase = enterPhase({ ...pilotPhase, checklist: pilotPhase.checklist.slice(0, 1) }, t0);
    const details = phaseDetails(label, phase, t0 + 3 * DAY, signers, { held: false, overdue: phase.items });
    expect(details).toBe(
      [
        '**Pilot** (merchant-launch, rollout r1) — waiting for:',
        '- open items: onboarded "Pilot participants onboarded"',
        '- soak until 2026-11-15T00:00:00Z (in 11 d)',
        '- sign-off by release-manager or admin',
        'Overdue: onboarded "Pilot participants onboarded"',
      ].join('\n'),
    );
  });

  test('a phase with nothing left is ready, or held while its rollout is paused', () => {
    const phase = enterPhase({ ...pilotPhase, duration: undefined, checklist: [] }, t0);
    applySignOff(phase, { actor: { id: 'rolf', roles: ['release-manager'] } }, t0);
    expect(phaseDetails(label, phase, t0, signers, { held: false, overdue: [] })).toBe(
      '**Pilot** (merchant-launch, rollout r1) — ready to be left',
    );
    expect(phaseDetails(label, phase, t0, signers, { held: true, overdue: [] })).toBe(
      '**Pilot** (merchant-launch, rollout r1) — held: its rollout is paused',
    );
  });

  test('a sustained condition that holds says when it will have held', () => {
    const phase = enterPhase({ ...pilotPhase, duration: undefined }, t0);
    observeSustained(phase, 'availability', true, t0);
    expect(waitPhrases(phase, t0 + 90 * 60_000, signers)).toContain(
      'sustained conditions: availability "EF availability green for 24h" holds until 2026-11-02T00:00:00Z (in 22 h 30 min)',
    );
  });

  test('timer summaries: the soak, a sustained condition, a check-in and a deadline', () => {
    const phase = enterPhase(pilotPhase, t0);
    expect(waitTimerSummary('Pilot', phase, t0, 14 * DAY)).toBe('Soak: Pilot, 14 days');
    expect(waitTimerSummary('Pilot', phase, t0 + 14 * DAY, HOUR)).toBe('Sustained condition: Pilot, 1 hour');
    const checkIn = {
      kind: 'check-in',
      itemId: 'd',
      title: 'Daily check-ins',
      at: 0,
      occurrence: 3,
    } as const;
    expect(itemTimerSummary(checkIn, DAY)).toBe('Check-in #3: Daily check-ins, in 1 day');
    const long = { kind: 'deadline', itemId: 'o', title: 'x'.repeat(80), at: 0 } as const;
    expect(itemTimerSummary(long, 4 * HOUR)).toBe(`Deadline: ${'x'.repeat(59)}…, in 4 hours`);
  });
});
