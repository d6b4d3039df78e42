import { readFileSync } from 'fs';
import { join } from 'path';
import { importMarkdown, validatePlan } from '..';
import { auditImport } from './import.audit';

const seed = (name: string) => readFileSync(join(__dirname, '../../../../examples', name), 'utf8');

describe('seed 000: merchant platform', () => {
  const text = seed('merchant-platform.md');
  const result = importMarkdown(text, { fileName: 'examples/merchant-platform.md' });
  const { plan, report } = result;

  it('imports into a valid plan with nothing left unmapped', () => {
    expect(report.errors).toEqual([]);
    expect(validatePlan(plan).ok).toBe(true);
    expect(report.unmapped).toEqual([]);
    expect(auditImport(text, result)).toEqual([]);
  });

  it('is named after its file, since "Production Rollout Plan" names no feature', () => {
    expect(plan.metadata).toMatchObject({ name: 'merchant-platform', title: 'Production Rollout Plan' });
    // Without a file name the title is all there is.
    expect(importMarkdown(text).plan.metadata.name).toBe('production');
  });

  it('reports the facts each line gave, including what a phase heading says about duration', () => {
    const factsOfLine = (line: number) => report.mapped.find((m) => m.line === line)?.facts;
    expect(factsOfLine(1)).toEqual(['name merchant-platform']);
    expect(factsOfLine(9)).toEqual(['phase 2 "Pilot Merchants"', 'phase 2 min P2W']);
    expect(factsOfLine(10)).toEqual(['phase 2 audience 5']);
    expect(factsOfLine(12)).toEqual(['phase 2 check-in every P1D', 'phase 2 item manual']);
    // One flag per line, though every line went into the phase's flag states.
    expect(factsOfLine(15)).toEqual(['phase 2 flag marketplace_directory=false']);
    expect(factsOfLine(65)).toEqual([
      'guardrail error_rate > 5%',
      'guardrail error_rate window PT5M',
      'guardrail error_rate rollback level 1',
    ]);
    expect(factsOfLine(50)).toEqual(['rollback level 2 "Data Rollback"', 'rollback level 2 budget PT1H']);
    expect(report.mapped.every((m) => m.facts.length > 0)).toBe(true);
  });

  it('has four phases: one week, two weeks, two weeks and an open-ended last phase', () => {
    expect(plan.phases.map((p) => [p.id, p.name, p.duration?.min])).toEqual([
      ['internal-dogfood', 'Internal Dogfood', 'P1W'],
      ['pilot-merchants', 'Pilot Merchants', 'P2W'],
      ['limited-rollout', 'Limited Rollout', 'P2W'],
      ['general-availability', 'General Availability', undefined],
    ]);
    expect(plan.phases[3].duration).toBeUndefined();
    expect(plan.phases.map((p) => p.source?.line)).toEqual([3, 9, 19, 27]);
  });

  it('sets the flag states of each phase', () => {
    expect(plan.phases.map((p) => p.flags)).toEqual([
      {},
      {
        kwik_integration: true,
        marketplace_directory: false,
        campaigns_auto_approve: false,
        premium_templates: false,
      },
      { marketplace_directory: true, campaigns_auto_approve: true },
      {},
    ]);
    expect(report.notes.map((n) => n.line)).toEqual([12, 14, 22, 25]);
  });

  it('reads "Daily check-ins" and "Weekly metrics review" as recurring check-ins, and notes it', () => {
    const recurring = plan.phases.flatMap((p) => p.checklist.filter((i) => i.every));
    expect(recurring.map((i) => [i.id, i.kind, i.every, i.source?.line])).toEqual([
      ['daily-check-ins', 'manual', 'P1D', 12],
      ['weekly-metrics-review', 'manual', 'P7D', 22],
    ]);
    expect(report.notes.filter((n) => [12, 22].includes(n.line)).map((n) => n.message)).toEqual([
      '"Daily" read as a recurring check-in: a reminder every P1D while the phase runs',
      '"Weekly" read as a recurring check-in: a reminder every P7D while the phase runs',
    ]);
    // The document names no deadline, so none is invented.
    expect(plan.phases.flatMap((p) => p.checklist).some((i) => i.deadline)).toBe(false);
  });

  it('has a registry of six flags with their defaults', () => {
    expect(plan.flags.map((f) => [f.key, f.default, f.source?.line])).toEqual([
      ['kwik_integration', false, 37],
      ['marketplace_directory', false, 38],
      ['campaigns_auto_approve', false, 39],
      ['premium_templates', false, 40],
      ['ai_suggestions', true, 41],
      ['refunds_enabled', true, 42],
    ]);
    expect(plan.flags[0].description).toBe('Enable Kwik delivery');
  });

  it('reads the audience of each phase from head counts', () => {
    expect(plan.phases.map((p) => p.audience?.limits.map((l) => [l.subject, l.max]))).toEqual([
      [['internal team members', 5]],
      [['hand-picked pilot merchants', 5]],
      [['merchants', 50]],
      undefined,
    ]);
  });

  it('has three guardrails that roll back to the quick level', () => {
    expect(plan.guardrails).toEqual([
      expect.objectContaining({
        id: 'error-rate',
        metric: 'error_rate',
        operator: '>',
        threshold: 5,
        unit: '%',
        window: 'PT5M',
        mode: 'sustained',
        source: { line: 65 },
      }),
      expect.objectContaining({
        id: 'payment-success',
        metric: 'payment_success_rate',
        operator: '<',
        threshold: 95,
        unit: '%',
        source: { line: 66 },
      }),
      expect.objectContaining({
        id: 'queue-backlog',
        metric: 'queue_backlog',
        operator: '>',
        threshold: 1000,
        source: { line: 67 },
      }),
    ]);
    expect(plan.guardrails[1].window).toBeUndefined();
    expect(plan.guardrails[2].window).toBeUndefined();
    for (const g of plan.guardrails) expect(g.action).toEqual({ type: 'rollback', level: 'quick' });
    expect(plan.metrics.map((m) => m.name)).toEqual([
      'signup_success_rate',
      'payment_success_rate',
      'whatsapp_send_success_rate',
      'order_completion_rate',
      'error_rate',
    ]);
  });

  it('has two rollback levels with budgets PT5M and PT1H and their steps', () => {
    const levels = plan.rollback.levels;
    expect(levels.map((l) => [l.id, l.title, l.budget, l.steps.length])).toEqual([
      ['quick', 'Quick Rollback', 'PT5M', 2],
      ['data', 'Data Rollback', 'PT1H', 3],
    ]);
    expect(levels[0].steps.map((s) => [s.title, s.action.type])).toEqual([
      ['Revert deployment to previous version', 'revert-deployment'],
      ['Notify affected merchants via banner', 'notify'],
    ]);
    expect(levels[1].steps.map((s) => [s.title, s.action.type])).toEqual([
      ['Restore from last backup', 'restore-backup'],
      ['Replay missed webhooks from DLQ', 'replay-dlq'],
      ['Notify merchants of data restoration', 'notify'],
    ]);
  });

  it('has four reviews after P2W, P4W, P8W and P3M', () => {
    expect(plan.reviews.map((r) => [r.id, r.title, r.after])).toEqual([
      ['week-2', 'Metrics review', 'P2W'],
      ['week-4', 'Feature usage analysis', 'P4W'],
      ['week-8', 'Churn analysis', 'P8W'],
      ['month-3', 'Full retrospective', 'P3M'],
    ]);
  });

  it('attaches each communication group to the phase it names', () => {
    expect(plan.phases.map((p) => p.communications.map((c) => c.message))).toEqual([
      [],
      ['Personal onboarding call', 'WhatsApp support group', 'Feedback form'],
      ['Email onboarding sequence', 'In-app help center', 'Support chat'],
      ['Press release', 'Social media campaign', 'Merchant testimonials'],
    ]);
    expect(plan.phases[1].communications[1]).toMatchObject({
      audience: 'Pilot Merchants',
      channel: 'whatsapp',
    });
  });
});

describe('seed 004: admin panel', () => {
  const text = seed('admin-panel.md');
  const result = importMarkdown(text);
  const { plan, report } = result;
  const items = plan.phases.flatMap((p) => p.checklist);
  const item = (start: string) => items.find((i) => i.title.startsWith(start));

  it('imports into a valid plan; only two lines kept as text give no fact', () => {
    expect(report.errors).toEqual([]);
    // Both lines are kept in the plan as text, but say nothing the rollout acts on: a phase's objectives
    // (its description) and a scope with no number (an audience description without a limit).
    expect(report.unmapped).toEqual([
      {
        line: 4,
        text: '- **Objectives**: Validate integrations, fixtures, degraded modes, and smoke tests.',
        keptAs: 'phases[0].description',
      },
      { line: 27, text: '- **Scope**: All bars and support teams.', keptAs: 'phases[2].audience' },
    ]);
    expect(plan.metadata).toMatchObject({ name: 'admin-panel', title: 'Rollout Plan – Admin Panel' });
    // A specific title wins over the file name.
    expect(importMarkdown(text, { fileName: 'plan.md' }).plan.metadata.name).toBe('admin-panel');
    expect(auditImport(text, result)).toEqual([]);
  });

  it('has three phases with 8, 7 and 8 checklist items', () => {
    expect(plan.phases.map((p) => [p.id, p.checklist.length])).toEqual([
      ['staging', 8],
      ['pilot', 7],
      ['production', 8],
    ]);
    expect(plan.phases[0].description).toBe(
      'Validate integrations, fixtures, degraded modes, and smoke tests.',
    );
    expect(plan.phases[0].checklist[0]).toMatchObject({
      title: 'Fixtures loaded per `DATA_FIXTURES_PLAN.md`.',
      source: { line: 6 },
    });
  });

  it('reads the 24-hour availability item as sustained for PT24H', () => {
    expect(item('EF availability green')).toMatchObject({
      kind: 'sustained',
      sustain: 'PT24H',
      source: { line: 29 },
    });
  });

  it('reads approval items with their roles', () => {
    expect(items.filter((i) => i.kind === 'approval').map((i) => [i.source?.line, i.roles])).toEqual([
      [12, ['ops']],
      [23, ['project-lead']],
      [31, ['finance']],
      [32, ['compliance']],
      [36, undefined],
    ]);
  });

  it("limits the pilot's audience to 5 bars/stations and 3 support agents", () => {
    expect(plan.phases[1].audience?.limits.map((l) => [l.subject, l.max])).toEqual([
      ['bars/stations', 5],
      ['support agents', 3],
    ]);
    expect(plan.phases[2].audience?.description).toBe('All bars and support teams.');
  });

  it('has guardrails for the three measurable rollback signals and a manual trigger for the fourth', () => {
    expect(
      plan.guardrails.map((g) => [
        g.metric,
        g.operator,
        g.threshold,
        g.unit,
        g.window,
        g.mode,
        g.source?.line,
      ]),
    ).toEqual([
      ['critical_ef_outages', '>', 0, undefined, 'PT30M', 'sustained', 39],
      ['redemption_failure_rate', '>', 5, '%', 'PT15M', 'aggregate', 40],
      ['support_team_unable_access_admin_panel', '>', 0, undefined, 'PT10M', 'sustained', 42],
    ]);
    expect(plan.manualTriggers).toEqual([
      {
        id: 'policy-engine-misconfiguration',
        title: 'Policy engine misconfiguration causing mass blocks or sends.',
        action: { type: 'rollback' },
        source: { line: 41 },
      },
    ]);
  });

  it("reads the pilot's daily review as a check-in every P1D, and nothing else as recurring", () => {
    expect(items.filter((i) => i.every).map((i) => [i.title, i.every])).toEqual([
      ['Daily review of dashboard KPIs and logs.', 'P1D'],
    ]);
    expect(report.notes.map((n) => n.line)).toEqual([21]);
    expect(items.some((i) => i.deadline)).toBe(false);
  });

  it('sets audit retention to P90D', () => {
    expect(plan.settings.auditRetention).toBe('P90D');
    expect(item('Audit log retention')?.kind).toBe('manual');
  });

  it('attaches communications to the phase each one mentions', () => {
    expect(plan.phases.map((p) => p.communications.map((c) => c.source?.line))).toEqual([[45], [46], [47]]);
  });
});
