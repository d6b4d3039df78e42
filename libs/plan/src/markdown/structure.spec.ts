import { importMarkdown } from './import';
import { phasePartOf, sectionKindOf, stripPhasePrefix } from './vocabulary';

/** Structure first: phases and their fields found by shape, wherever a team put them. */

const doc = (...lines: string[]) => lines.join('\n');

describe('phases by shape', () => {
  it('reads bold paragraph leads as phases, with both ends of the stay in parentheses', () => {
    const { plan, report } = importMarkdown(
      doc(
        '# Search box refresh',
        '',
        '**S1 — 2% trial** (at least 48h)',
        'Only staff see it. `search_v2` on.',
        '',
        '**S2 — 40% trial** (at least 3 days, no more than 2 weeks)',
        '`search_v2` on.',
        '',
        '**Flags.** `search_v2` defaults to off.',
      ),
    );
    expect(report.errors).toEqual([]);
    expect(plan.phases.map((p) => [p.name, p.duration, p.flags])).toEqual([
      ['2% trial', { min: 'PT48H' }, { search_v2: true }],
      ['40% trial', { min: 'P3D', max: 'P2W' }, { search_v2: true }],
    ]);
    expect(plan.phases.map((p) => p.audience?.limits.map((l) => `${l.max}${l.unit}`))).toEqual([
      ['2%'],
      ['40%'],
    ]);
    expect(plan.flags.map((f) => f.key)).toEqual(['search_v2']);
  });

  it('reads numbered headings of other words as phases when their bodies hold phase fields', () => {
    const { plan } = importMarkdown(
      doc(
        '# Quota service',
        '',
        '## How we ship it',
        '',
        '### 1. Internal',
        '',
        '- Exposure: 3 internal tenants',
        '- Soak: 4 days',
        '',
        '### 2. Everyone',
        '',
        '- Exposure: 100% of tenants',
        '- Flags: `quota_v2` = on',
      ),
    );
    expect(plan.phases.map((p) => [p.name, p.duration?.min])).toEqual([
      ['Internal', 'P4D'],
      ['Everyone', undefined],
    ]);
    expect(plan.phases[1].flags).toEqual({ quota_v2: true });
  });

  it('reads a list of stages with a duration outside any stages heading', () => {
    const { plan } = importMarkdown(
      doc(
        '# Cache eviction change',
        '',
        'Two steps, each a few clusters.',
        '',
        '1. **Wave 1 — lab clusters** (3 clusters, 12 hours)',
        '   - Hit ratio steady',
        '2. **Wave 2 — the rest** (2 days)',
        '   - Approved by Storage Lead',
      ),
    );
    expect(plan.phases.map((p) => [p.name, p.duration?.min])).toEqual([
      ['lab clusters', 'PT12H'],
      ['the rest', 'P2D'],
    ]);
    expect(plan.phases[0].audience?.limits.map((l) => l.max)).toEqual([3]);
    expect(plan.phases[1].checklist[0]).toMatchObject({ kind: 'approval', roles: ['storage-lead'] });
  });

  it('reads stage summaries in a list: name, then clauses for the stay, the share and the flags', () => {
    const { plan } = importMarkdown(
      doc(
        '# Gateway',
        '',
        '## plan',
        '',
        '- Q0 lab, 6h min, `gw_next`=true',
        '- Q1 5% live, 2d, `gw_next`=true',
      ),
    );
    expect(plan.phases.map((p) => [p.name, p.duration?.min, p.flags])).toEqual([
      ['lab', 'PT6H', { gw_next: true }],
      ['5% live', 'P2D', { gw_next: true }],
    ]);
  });

  it('reads a stage table whose columns have other names', () => {
    const { plan } = importMarkdown(
      doc(
        '# Invoices',
        '',
        '## Stages',
        '',
        '| Stage | Who gets it | Minimum time in stage | Longest time | Toggles | Approver |',
        '| ----- | ----------- | --------------------- | ------------ | ------- | -------- |',
        '| Trial | 5% of accounts | 1 week | 3 weeks | `inv_v2` on | Billing Lead |',
        '| All   | 100% of accounts | | | `inv_v2` on | |',
      ),
    );
    expect(plan.phases.map((p) => [p.name, p.duration, p.flags])).toEqual([
      ['Trial', { min: 'P1W', max: 'P3W' }, { inv_v2: true }],
      ['All', undefined, { inv_v2: true }],
    ]);
    expect(plan.phases[0].audience?.limits.map((l) => l.max)).toEqual([5]);
    expect(plan.phases[0].checklist).toEqual([
      expect.objectContaining({ kind: 'approval', roles: ['billing-lead'] }),
    ]);
  });
});

describe('fields by meaning', () => {
  it('reads several bold labels and plain "Label: value" lines of one paragraph, a wrapped line included', () => {
    const { plan, report } = importMarkdown(
      doc(
        '# Receipts',
        '',
        '## Phase 1: Pilot',
        '',
        '**Scope:** 25% of shops',
        '**Length:** 4 weeks at most, and no less than 6 days',
        'Flags: `receipts_v2` = on',
        'Exit criteria: receipt errors below 1% for 2 days; support',
        'reviewed the first tickets.',
      ),
    );
    const [phase] = plan.phases;
    expect(phase.audience?.limits.map((l) => `${l.max}${l.unit}`)).toEqual(['25%']);
    expect(phase.duration).toEqual({ min: 'P6D', max: 'P4W' });
    expect(phase.flags).toEqual({ receipts_v2: true });
    expect(phase.checklist.map((i) => i.kind)).toEqual(['sustained', 'manual']);
    expect(report.unmapped).toEqual([]);
  });

  it('maps label words to phase parts by their roots', () => {
    expect(
      [
        'Minimum duration',
        'Longest time',
        'Who gets it',
        'Approvers',
        'Flags on',
        'Promotion gate',
        'DRI',
      ].map(phasePartOf),
    ).toEqual(['duration', 'maxDuration', 'audience', 'approvals', 'flags', 'checklist', 'owner']);
  });

  it('strips numbering and stage words from a phase name', () => {
    expect(
      ['1. Wave one: Europe', 'Cohort 2 — Self-serve', 'P3 — 100%', 'Stage 3'].map(stripPhasePrefix),
    ).toEqual(['Europe', 'Self-serve', '100%', 'Stage 3']);
  });
});

describe('criteria kept elsewhere', () => {
  const stages = [
    '# Queue move',
    '',
    '## Stages',
    '',
    '- **Pilot** — 1% of traffic, 1 day minimum',
    '- **Wide** — 30% of traffic, 2 days minimum',
    '- **All** — 100% of traffic',
    '',
  ];

  it('links criteria to the stage named by a transition, a number or "Before …"', () => {
    const { plan } = importMarkdown(
      doc(
        ...stages,
        '## Gates',
        '',
        '### Pilot (1%) → Wide (30%)',
        '',
        '- Lag under 2 s for 12 hours',
        '',
        '### Stage 2 exit',
        '',
        '- Approved by Queue Owners',
        '',
        'Before All:',
        '',
        '- Runbook rehearsed',
      ),
    );
    expect(plan.phases.map((p) => p.duration?.min)).toEqual(['P1D', 'P2D', undefined]);
    expect(plan.phases.map((p) => p.checklist.map((i) => i.kind))).toEqual([
      ['sustained'],
      ['approval', 'manual'],
      [],
    ]);
    expect(plan.phases.map((p) => p.audience?.limits.map((l) => l.max))).toEqual([[1], [30], [100]]);
  });

  it('links a criteria table to the stages in its first column', () => {
    const { plan } = importMarkdown(
      doc(
        ...stages,
        '## Exit criteria per stage',
        '',
        '| Stage | Criterion |',
        '| --- | --- |',
        '| Wide | Cost report sent |',
      ),
    );
    expect(plan.phases[1].checklist.map((i) => i.title)).toEqual(['Cost report sent']);
  });

  it('sets flags for the stages a sentence names', () => {
    const { plan } = importMarkdown(doc(...stages, 'Flag `q_new` is on from Wide onwards.'));
    expect(plan.phases.map((p) => p.flags)).toEqual([{}, { q_new: true }, { q_new: true }]);
  });
});

describe('section names by meaning', () => {
  it.each([
    ['Red lines', 'guardrails'],
    ['What we watch, and when we stop', 'guardrails'],
    ['What stops a wave', 'guardrails'],
    ['If we need to go back', 'rollback'],
    ['Abort procedure', 'rollback'],
    ['After release', 'reviews'],
    ['Promotion criteria', 'criteria'],
    ['Defaults', 'flags'],
    ['Phase two: everyone', 'phase'],
  ])('"%s" is %s', (title, kind) => {
    expect(sectionKindOf(title)).toBe(kind);
  });
});

describe('stages told as paragraphs', () => {
  it('reads ordered paragraphs as phases: stay, share and flags from their sentences', () => {
    const { plan } = importMarkdown(
      doc(
        '# Tagging',
        '',
        '## How it goes out',
        '',
        'First we turn `auto_tags` on for the ops team (9 people) and leave it there for 4 days.',
        '',
        'Then 20% of workspaces get it for a week.',
        '',
        'Last, everyone: `auto_tags` on.',
      ),
    );
    expect(plan.phases.map((p) => [p.duration?.min, p.flags])).toEqual([
      ['P4D', { auto_tags: true }],
      ['P1W', {}],
      [undefined, { auto_tags: true }],
    ]);
    expect(plan.phases[1].audience?.limits.map((l) => `${l.max}${l.unit}`)).toEqual(['20%']);
  });
});

describe('rollback levels', () => {
  it('reads "Level 2 — …" headings by number, budgets and steps told in prose', () => {
    const { plan, report } = importMarkdown(
      doc(
        '# Ledger export',
        '',
        '## Stages',
        '',
        '### Stage 1 — staff',
        '',
        '- `ledger_export` on',
        '',
        '## Stop rules',
        '',
        '- Export errors above 2% for 10 minutes → Level 2',
        '',
        '## Rollback',
        '',
        '### Level 1 — Flag off',
        '',
        'Switch `ledger_export` off. Nothing else changes for users. Budget: 3 minutes.',
        '',
        '### Level 2 — Restore',
        '',
        '- Restore the ledger from the nightly backup.',
        '',
        'Takes about two hours.',
      ),
    );
    expect(report.errors).toEqual([]);
    expect(plan.rollback.levels.map((l) => [l.title, l.budget, l.steps.map((s) => s.action.type)])).toEqual([
      ['Flag off', 'PT3M', ['set-flags']],
      ['Restore', 'PT2H', ['restore-backup']],
    ]);
    expect(plan.guardrails[0].action).toEqual({ type: 'rollback', level: plan.rollback.levels[1].id });
  });
});
