import { factsAt, factsOf } from './plan.facts';
import type { RolloutPlan, RolloutPlanInput } from './plan.schema';
import { validatePlan } from './plan.validate';

/** A plan touching every kind of fact, built through validation so defaults are filled in as in real use. */
function plan(): RolloutPlan {
  const input: RolloutPlanInput = {
    apiVersion: 'rollout/v1',
    kind: 'RolloutPlan',
    metadata: { name: 'checkout-v2', title: 'Checkout v2' },
    flags: [
      { key: 'checkout_v2', default: false },
      { key: 'theme', default: 'blue' },
      { key: 'ratio', default: 0 },
    ],
    phases: [
      {
        id: 'canary',
        name: 'Canary 5%',
        owner: 'payments-team',
        duration: { min: 'P2D', max: 'P1W' },
        audience: {
          limits: [
            { subject: 'traffic', max: 5, unit: '%' },
            { subject: 'regions', max: 3, unit: 'regions' },
            { subject: 'merchants', max: 50 },
          ],
        },
        flags: { checkout_v2: true, ratio: 0.5 },
        checklist: [
          {
            id: 'sign-off',
            title: 'Legal and release captain sign off',
            kind: 'approval',
            roles: ['legal', 'release-captain'],
          },
          { id: 'go', title: 'Go/no-go', kind: 'approval', deadline: 'P3D' },
          { id: 'stable', title: 'Error budget holds', kind: 'sustained', sustain: 'PT24H' },
          { id: 'daily', title: 'Daily check-in', kind: 'manual', every: 'P1D' },
          { id: 'smoke', title: 'Smoke tests pass', kind: 'check' },
        ],
        communications: [
          { audience: 'Pilot merchants', message: 'Welcome mail' },
          { channel: 'slack', message: 'Heads-up' },
        ],
      },
      { id: 'ga', name: 'General availability', communications: [{ message: 'Press release' }] },
    ],
    metrics: [{ name: 'error_rate', title: 'Error rate' }],
    guardrails: [
      {
        id: 'latency',
        metric: 'p99_latency',
        operator: '>',
        threshold: 800,
        unit: 'ms',
        window: 'PT5M',
        phases: ['ga'],
        action: { type: 'rollback', level: 'full' },
      },
      {
        id: 'errors',
        metric: 'error_rate',
        operator: '>=',
        threshold: 2.5,
        unit: '%',
        action: { type: 'pause' },
      },
      { id: 'orders', metric: 'orders', operator: '<', threshold: 10, action: { type: 'rollback' } },
    ],
    manualTriggers: [{ id: 'fraud', title: 'Fraud spike', action: { type: 'notify', channel: 'pager' } }],
    rollback: {
      levels: [
        {
          id: 'flags-off',
          title: 'Flags off',
          budget: 'PT5M',
          steps: [
            { id: 'off', title: 'Turn it off', action: { type: 'set-flags', flags: { checkout_v2: false } } },
          ],
        },
        {
          id: 'full',
          title: 'Full revert',
          steps: [
            { id: 'revert', title: 'Revert', action: { type: 'revert-deployment' } },
            { id: 'tell', title: 'Tell merchants', action: { type: 'notify', audience: 'merchants' } },
          ],
        },
      ],
    },
    reviews: [{ id: 'week-2', title: 'Metrics review', after: 'P2W' }],
    communications: [{ audience: 'Support', message: 'Runbook' }],
    settings: { auditRetention: 'P90D' },
  };
  const validation = validatePlan(input);
  if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
  return validation.plan;
}

describe('factsOf', () => {
  const facts = factsOf(plan());
  const texts = facts.map((f) => f.text);

  it('writes every fact of the plan in the shared wording, in plan order', () => {
    expect(texts).toEqual([
      'name checkout-v2',
      'flag checkout_v2 default false',
      'flag theme default blue',
      'flag ratio default 0',
      'phases 2',
      'phase 1 "Canary 5%"',
      'phase 1 min P2D',
      'phase 1 max P1W',
      'phase 1 audience 5%',
      'phase 1 audience 3 regions',
      'phase 1 audience 50',
      'phase 1 flag checkout_v2=true',
      'phase 1 flag ratio=0.5',
      'phase 1 approval by legal',
      'phase 1 approval by release-captain',
      'phase 1 item approval',
      'phase 1 approval',
      'phase 1 deadline P3D',
      'phase 1 item approval',
      'phase 1 sustain PT24H',
      'phase 1 item sustained',
      'phase 1 check-in every P1D',
      'phase 1 item manual',
      'phase 1 item check',
      'phase 1 owner payments-team',
      'message in phase 1 to Pilot merchants',
      'message in phase 1 to slack',
      'phase 2 "General availability"',
      'message in phase 2',
      'guardrail p99_latency > 800 ms',
      'guardrail p99_latency window PT5M',
      'guardrail p99_latency rollback level 2',
      'guardrail p99_latency in phase 2',
      'guardrail error_rate >= 2.5%',
      'guardrail error_rate pause',
      'guardrail orders < 10',
      'guardrail orders rollback',
      'trigger "Fraud spike" notify',
      'rollback level 1 "Flags off"',
      'rollback level 1 budget PT5M',
      'rollback level 1 step set-flags',
      'rollback level 1 step set-flags checkout_v2=false',
      'rollback level 2 "Full revert"',
      'rollback level 2 step revert-deployment',
      'rollback level 2 step notify',
      'review after P2W',
      'message to Support',
      'metric error_rate',
      'audit retention P90D',
    ]);
  });

  it('puts each fact on the element the importer ledger maps lines to', () => {
    const at = (path: string) => factsAt(facts, path).map((f) => f.text);
    expect(at('phases[0].checklist[1]')).toEqual([
      'phase 1 approval',
      'phase 1 deadline P3D',
      'phase 1 item approval',
    ]);
    expect(at('phases[0].duration')).toEqual(['phase 1 min P2D', 'phase 1 max P1W']);
    expect(at('phases[0].flags')).toEqual(['phase 1 flag checkout_v2=true', 'phase 1 flag ratio=0.5']);
    expect(at('phases[0].owner')).toEqual(['phase 1 owner payments-team']);
    expect(at('rollback.levels[1].steps[0]')).toEqual(['rollback level 2 step revert-deployment']);
    expect(at('guardrails[2]')).toEqual(['guardrail orders < 10', 'guardrail orders rollback']);
    expect(at('metadata')).toEqual(['name checkout-v2']);
  });

  it('gives a section-level path the facts of everything inside it, and a description none', () => {
    expect(factsAt(facts, 'rollback').length).toBe(7);
    expect(factsAt(facts, 'phases[1]').map((f) => f.text)).toEqual([
      'phase 2 "General availability"',
      'message in phase 2',
    ]);
    expect(factsAt(facts, 'phases[0].description')).toEqual([]);
    expect(factsAt(facts, 'metadata.description')).toEqual([]);
  });
});
