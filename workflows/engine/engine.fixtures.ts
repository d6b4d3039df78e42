import type { Guardrail, Phase, RollbackLevel } from '../../libs/plan/src/model';

/** A phase with one item of each kind, as the plan importer produces them. */
export const pilotPhase: Phase = {
  id: 'pilot',
  name: 'Pilot',
  duration: { min: 'P2W' },
  flags: { kwik_integration: true },
  communications: [],
  checklist: [
    { id: 'onboarded', title: 'Pilot participants onboarded', kind: 'manual' },
    { id: 'probes', title: 'EF probes green', kind: 'check', roles: ['ops'] },
    {
      id: 'finance',
      title: 'Payment instructions confirmed by Finance',
      kind: 'approval',
      roles: ['Finance'],
    },
    { id: 'availability', title: 'EF availability green for 24h', kind: 'sustained', sustain: 'PT24H' },
  ],
};

export const quickLevel: RollbackLevel = {
  id: 'quick',
  title: 'Quick Rollback',
  budget: 'PT5M',
  steps: [
    {
      id: 'revert-deployment',
      title: 'Revert deployment to previous version',
      action: { type: 'revert-deployment' },
    },
    {
      id: 'banner',
      title: 'Notify affected merchants via banner',
      action: { type: 'notify', message: 'banner' },
    },
  ],
};

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** "Error rate > 5% for 5 min": the guardrail the engine specs exercise, with any field overridden. */
export function errorRateGuardrail(overrides: Partial<Guardrail> = {}): Guardrail {
  return {
    id: 'error-rate',
    metric: 'error_rate',
    operator: '>',
    threshold: 5,
    unit: '%',
    window: 'PT5M',
    mode: 'sustained',
    action: { type: 'rollback', level: 'quick' },
    ...overrides,
  };
}
