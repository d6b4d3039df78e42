import { PlanMessages as M } from './plan.messages';
import type { RolloutPlanInput } from './plan.schema';
import { validatePlan } from './plan.validate';

const base = (): RolloutPlanInput => ({
  apiVersion: 'rollout/v1',
  kind: 'RolloutPlan',
  metadata: { name: 'demo' },
  flags: [{ key: 'new_ui', default: false }],
  phases: [
    { id: 'pilot', name: 'Pilot', duration: { min: 'P1W' }, flags: { new_ui: true }, source: { line: 4 } },
    { id: 'ga', name: 'GA' },
  ],
  guardrails: [
    {
      id: 'errors',
      metric: 'error_rate',
      operator: '>',
      threshold: 5,
      unit: '%',
      window: 'PT5M',
      mode: 'sustained',
      action: { type: 'rollback', level: 'quick' },
    },
  ],
  rollback: {
    levels: [
      {
        id: 'quick',
        title: 'Quick',
        budget: 'PT5M',
        steps: [{ id: 'revert', title: 'Revert', action: { type: 'revert-deployment' } }],
      },
    ],
  },
  reviews: [{ id: 'week-2', title: 'Review', after: 'P2W' }],
});

describe('validatePlan', () => {
  it('accepts a valid plan and fills in defaults', () => {
    const result = validatePlan(base());
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.plan.phases[1].checklist).toEqual([]);
      expect(result.plan.manualTriggers).toEqual([]);
    }
  });

  it('returns every schema error with its path and the line of the nearest element', () => {
    const plan = base() as Record<string, unknown> & RolloutPlanInput;
    plan.phases[0] = { ...plan.phases[0], colour: 'red', duration: { min: 'two weeks' } } as never;
    plan.guardrails![0] = { ...plan.guardrails![0], operator: '!=' } as never;
    (plan as Record<string, unknown>).extra = 1;
    const result = validatePlan(plan);
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { path: 'phases[0].colour', line: 4, message: 'unknown key "colour"' },
        { path: 'phases[0].duration.min', line: 4, message: M.DURATION_FORMAT },
        expect.objectContaining({ path: 'guardrails[0].operator' }),
        { path: 'extra', message: 'unknown key "extra"' },
      ]),
    );
    expect(result.errors).toHaveLength(4);
  });

  it('finds duplicate ids, unknown flags, unknown rollback levels and impossible durations', () => {
    const plan = base();
    plan.phases.push({ id: 'pilot', name: 'Again', flags: { old_ui: false } });
    plan.phases[0].duration = { min: 'P2W', max: 'P1W' };
    plan.guardrails![0].action = { type: 'rollback', level: 'slow' };
    plan.manualTriggers = [{ id: 'errors', title: 'Same id as a guardrail', action: { type: 'pause' } }];
    const result = validatePlan(plan);
    expect(result.errors).toEqual([
      { path: 'phases[2].id', message: M.DUPLICATE_ID('pilot', 'phases[0].id') },
      { path: 'manualTriggers[0].id', message: M.DUPLICATE_ID('errors', 'guardrails[0].id') },
      { path: 'phases[0].duration.max', line: 4, message: M.DURATION_MAX_BELOW_MIN('P2W', 'P1W') },
      { path: 'phases[2].flags.old_ui', message: M.UNKNOWN_FLAG('old_ui') },
      { path: 'guardrails[0].action.level', message: M.UNKNOWN_ROLLBACK_LEVEL('slow', ['quick']) },
    ]);
  });

  it.each([
    ['PT0M', M.DURATION_ZERO],
    ['-P1D', M.DURATION_NEGATIVE],
    ['P20Y', M.DURATION_TOO_LONG],
  ])('rejects the impossible duration %s', (after, message) => {
    const plan = base();
    plan.reviews = [{ id: 'r', title: 'R', after }];
    expect(validatePlan(plan).errors).toEqual([{ path: 'reviews[0].after', message }]);
  });

  it('checks flag types, sustained items, percentages and mode without window', () => {
    const plan = base();
    plan.phases[1].flags = { new_ui: 'yes' };
    plan.phases[1].checklist = [{ id: 'green', title: 'Green', kind: 'sustained' }];
    const result = validatePlan(plan);
    expect(result.errors).toEqual([{ path: 'phases[1].checklist[0].sustain', message: M.SUSTAIN_REQUIRED }]);
    plan.phases[1].checklist = [];
    plan.guardrails![0] = { ...plan.guardrails![0], threshold: 150, window: undefined };
    expect(validatePlan(plan).errors.map((e) => e.message)).toEqual([
      M.FLAG_TYPE_MISMATCH('new_ui', 'boolean'),
      M.MODE_WITHOUT_WINDOW,
      M.PERCENT_RANGE,
    ]);
  });

  it('accepts check-ins and deadlines as durations; a check-in recurs at most hourly', () => {
    const plan = base();
    plan.phases[0].checklist = [
      { id: 'daily', title: 'Daily check-ins', kind: 'manual', every: 'P1D' },
      { id: 'signed', title: 'Signed by Finance', kind: 'approval', roles: ['finance'], deadline: 'PT4H' },
    ];
    const valid = validatePlan(plan);
    expect(valid.ok && valid.plan.phases[0].checklist.map((i) => [i.every, i.deadline])).toEqual([
      ['P1D', undefined],
      [undefined, 'PT4H'],
    ]);
    plan.phases[0].checklist = [
      { id: 'noisy', title: 'Noisy', kind: 'manual', every: 'PT5M' },
      { id: 'soon', title: 'Soon', kind: 'manual', deadline: 'soon' },
    ];
    expect(validatePlan(plan).errors).toEqual([
      { path: 'phases[0].checklist[0].every', line: 4, message: M.EVERY_TOO_SHORT },
      { path: 'phases[0].checklist[1].deadline', line: 4, message: M.DURATION_FORMAT },
    ]);
  });

  it.each([null, 42, 'text', [], {}])('never throws on %p', (input) => {
    expect(validatePlan(input).ok).toBe(false);
  });
});
