import { readFileSync } from 'fs';
import { join } from 'path';
import { importMarkdown } from '..';
import { auditImport } from './import.audit';

/** Documents written by other teams, with their own words for the same ideas. */
const fixture = (name: string) => readFileSync(join(__dirname, '../__fixtures__', name), 'utf8');

describe('a plan with stages, exit criteria, abort conditions, a kill switch and follow-ups', () => {
  const text = fixture('checkout-stages.md');
  const result = importMarkdown(text);
  const { plan, report } = result;

  it('maps everything it understands and reports the Risks section and the text it kept without a fact', () => {
    expect(report.errors).toEqual([]);
    // Lines 3 (the plan's description: owner and purpose) and 31 (a scope with no number) are kept as text
    // and give no fact; the Risks section (57, 59) is not read at all.
    expect(report.unmapped.map((u) => [u.line, u.keptAs])).toEqual([
      [3, 'metadata.description'],
      [31, 'phases[2].audience'],
      [57, undefined],
      [59, undefined],
    ]);
    expect(auditImport(text, result)).toEqual([]);
  });

  it('reads stages as phases with durations, audience, exit criteria and flags', () => {
    expect(plan.phases.map((p) => [p.id, p.duration?.min])).toEqual([
      ['canary', 'PT48H'],
      ['beta', 'P4D'],
      ['everyone', undefined],
    ]);
    expect(plan.phases[0].audience?.limits).toEqual([
      expect.objectContaining({ subject: 'traffic', max: 2, unit: '%' }),
    ]);
    expect(plan.phases[1].audience?.limits).toEqual([
      expect.objectContaining({ subject: 'traffic', max: 25, unit: '%' }),
    ]);
    expect(plan.phases[0].checklist.map((i) => i.kind)).toEqual(['sustained', 'approval', 'check']);
    expect(plan.phases[1].checklist[1]).toMatchObject({ kind: 'approval', roles: ['product', 'legal'] });
    expect(plan.phases.map((p) => p.flags)).toEqual([{ new_checkout: true }, { express_pay: true }, {}]);
    expect(plan.flags.map((f) => [f.key, f.default])).toEqual([
      ['new_checkout', false],
      ['express_pay', false],
    ]);
  });

  it('reads abort conditions as guardrails and the kill switch as a rollback level', () => {
    expect(plan.guardrails.map((g) => [g.metric, g.operator, g.threshold, g.unit, g.window, g.mode])).toEqual(
      [
        ['p99_checkout_latency', '>', 800, 'ms', 'PT10M', 'aggregate'],
        ['payment_authorisation_success', '<', 97, '%', 'PT15M', 'sustained'],
      ],
    );
    expect(plan.manualTriggers.map((t) => t.id)).toEqual(['any-data-integrity-incident']);
    expect(plan.rollback.levels).toHaveLength(1);
    expect(plan.rollback.levels[0].steps.map((s) => s.action)).toEqual([
      { type: 'set-flags', flags: { new_checkout: false, express_pay: false } },
      { type: 'notify', audience: '#payments-oncall', channel: 'slack' },
      { type: 'revert-deployment' },
    ]);
    expect(plan.guardrails[0].action).toEqual({ type: 'rollback', level: 'kill-switch' });
  });

  it('reads follow-ups as reviews', () => {
    expect(plan.reviews.map((r) => [r.title, r.after])).toEqual([
      ['remove the legacy checkout code', 'P2W'],
      ['cost review', 'P2M'],
    ]);
  });
});

describe('a plan whose phases and guardrails are tables', () => {
  const text = fixture('ops-phases-table.md');
  const result = importMarkdown(text);
  const { plan, report } = result;

  it('maps every line into a valid plan', () => {
    expect(report.errors).toEqual([]);
    expect(report.unmapped).toEqual([]);
    expect(auditImport(text, result)).toEqual([]);
  });

  it('reads one phase per row', () => {
    expect(plan.phases.map((p) => [p.name, p.duration])).toEqual([
      ['Shadow', { min: 'P1W' }],
      ['Ramp', { min: 'P2W', max: 'P3W' }],
      ['Full', undefined],
    ]);
    expect(plan.phases[1].checklist[0]).toMatchObject({ kind: 'approval', roles: ['search-lead'] });
    expect(plan.phases[0].checklist[0]).toMatchObject({ kind: 'sustained', sustain: 'PT24H' });
  });

  it('reads guardrail rows, the back-out plan and the review', () => {
    expect(plan.guardrails.map((g) => [g.metric, g.threshold, g.unit, g.window, g.mode, g.action])).toEqual([
      ['search_error_rate', 2, '%', 'PT5M', 'sustained', { type: 'rollback', level: 'fast' }],
      ['p95_latency', 300, 'ms', 'PT10M', 'aggregate', { type: 'rollback', level: 'fast' }],
    ]);
    expect(plan.rollback.levels[0]).toMatchObject({ id: 'fast', budget: 'PT10M' });
    expect(plan.reviews).toEqual([expect.objectContaining({ title: 'Relevance review', after: 'P1W' })]);
  });
});
