import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { main } from '../../apps/cli/src/main';
import { EMPTY_SCENARIO } from '../../apps/cli/src/simulate/scenario';
import { simulate } from '../../apps/cli/src/simulate/simulation';
import { importMarkdown, type RolloutPlan } from '../../libs/plan/src';
import { phaseWorkflowId } from '../../workflows/engine/messages';
import { recordHistory } from '../support/histories';
import { temporalTools } from '../support/temporal-tools';

// `simulate` end to end through the CLI: both seed documents, with the default scenario (everyone acts at
// once, every metric healthy) and with the example breach scenarios, on the time-skipping test server.

// Generous: a simulation takes seconds, a machine busy with other work makes that many times longer.
jest.setTimeout(300_000);

// The seed documents as the repository keeps them (examples/ holds them unchanged): nothing outside the
// checkout, so a worktree or a fresh clone anywhere runs this suite.
const examples = join(__dirname, '../../examples');
const MERCHANT = join(examples, 'merchant-platform.md');
const ADMIN = join(examples, 'admin-panel.md');
const scenarios = join(__dirname, '../../examples/scenarios');

interface Report {
  status: string;
  flags: Record<string, unknown>;
  simulatedMs: number;
  phases: {
    id: string;
    status: string;
    enteredAt: string | null;
    spentMs: number | null;
    minimumMs: number | null;
  }[];
  reviews: { id: string; completedAt: string | null }[];
  breaches: { guardrailId: string; phaseId: string; readings: { metric: string; value: number }[] }[];
  rollback: { level: string | null; steps: { id: string; status: string; source: string }[] } | null;
  timeline: { at: string; offset: string; workflow: string; event: string }[];
}

beforeAll(() => {
  process.env.TEMPORAL_TEST_SERVER_PATH = temporalTools().testServer;
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

async function simulateJson(...args: string[]): Promise<Report> {
  const r = await cli('simulate', ...args, '--format', 'json');
  if (r.code !== 0) throw new Error(`simulate exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
}

function seedPlan(file: string): RolloutPlan {
  const imported = importMarkdown(readFileSync(file, 'utf8'));
  if (!imported.plan) throw new Error(`${file} does not import`);
  return imported.plan;
}

/** The flags as the plan leaves them after its last phase (defaults, then each phase's states in order). */
function flagsAfterAllPhases(plan: RolloutPlan): Record<string, unknown> {
  const flags: Record<string, unknown> = Object.fromEntries(plan.flags.map((f) => [f.key, f.default]));
  for (const p of plan.phases) Object.assign(flags, p.flags);
  return flags;
}

const defaults = (plan: RolloutPlan) => Object.fromEntries(plan.flags.map((f) => [f.key, f.default]));

describe.each([
  ['merchant platform (seed 000)', MERCHANT],
  ['admin panel (seed 004)', ADMIN],
])('simulate %s with the default scenario', (_name, file) => {
  let report: Report;
  const plan = seedPlan(file);
  beforeAll(async () => {
    report = await simulateJson(file);
  });

  it('completes every phase in plan order, each after at least its minimum duration', () => {
    expect(report.status).toBe('COMPLETED');
    expect(report.phases.map((p) => p.id)).toEqual(plan.phases.map((p) => p.id));
    for (const p of report.phases) {
      expect(p.status).toBe('COMPLETED');
      expect(p.spentMs).toBeGreaterThanOrEqual(p.minimumMs ?? 0);
    }
    const entered = report.phases.map((p) => Date.parse(p.enteredAt ?? ''));
    expect(entered).toEqual([...entered].sort((a, b) => a - b));
  });

  it('ends with the flags of the last phase and every review done', () => {
    expect(report.flags).toEqual(flagsAfterAllPhases(plan));
    expect(report.reviews.length).toBe(plan.reviews.length);
    for (const r of report.reviews) expect(r.completedAt).not.toBeNull();
    expect(report.rollback).toBeNull();
  });

  it('prints a timeline in simulated-time order that names each phase workflow', () => {
    const times = report.timeline.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const p of plan.phases)
      expect(report.timeline.some((e) => e.workflow === `rollout-simulation-phase-${p.id}`)).toBe(true);
  });
});

describe('simulate with a breach scenario', () => {
  it('merchant platform: the error-rate breach in Limited Rollout rolls back to the pre-rollout flags', async () => {
    const plan = seedPlan(MERCHANT);
    const report = await simulateJson(
      MERCHANT,
      '--scenario',
      join(scenarios, 'merchant-platform.breach.yaml'),
    );
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.flags).toEqual(defaults(plan));
    expect(report.breaches).toHaveLength(1);
    expect(report.breaches[0]).toMatchObject({ phaseId: 'limited-rollout', guardrailId: 'error-rate' });
    expect(report.breaches[0]?.readings.every((r) => r.metric === 'error_rate' && r.value === 8)).toBe(true);
    expect(report.rollback?.level).toBe('quick');
    expect(report.rollback?.steps.every((s) => s.status === 'DONE')).toBe(true);
    // Compensations first (latest phase first), then the level's own steps.
    const sources = report.rollback?.steps.map((s) => s.source) ?? [];
    expect(sources.indexOf('level')).toBeGreaterThan(sources.lastIndexOf('compensation'));
    const restored = report.timeline.filter((e) => e.event.startsWith('flags restored'));
    expect(restored.map((e) => e.event)).toEqual([
      'flags restored: marketplace_directory=false, campaigns_auto_approve=false',
      'flags restored: kwik_integration=false, marketplace_directory=false, campaigns_auto_approve=false, premium_templates=false',
    ]);
    // The person the scenario names completed the pilot's check-ins, not the default engineer.
    expect(report.timeline.some((e) => e.event.includes('daily-check-ins') && e.event.includes('dana'))).toBe(
      true,
    );
  });

  it('admin panel: scripted availability checks land, then the redemption guardrail (averaged over 15 minutes) rolls back', async () => {
    const plan = seedPlan(ADMIN);
    const report = await simulateJson(ADMIN, '--scenario', join(scenarios, 'admin-panel.breach.yaml'));
    const checks = report.timeline.filter((e) =>
      e.event.startsWith('check ef-availability-green-24h-before'),
    );
    expect(checks.map((e) => [e.offset, e.event.split(': ')[1]])).toEqual([
      ['+0d 06:00', 'FAILING'],
      ['+0d 08:00', 'healthy'],
    ]);
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.flags).toEqual(defaults(plan));
    expect(report.breaches.map((b) => b.readings[0]?.metric)).toEqual(['redemption_failure_rate']);
    // 9% from +20:00: the 15-minute mean passes 5% once 9% has held for more than 8 m 20 s of it.
    const breachedAt = report.timeline.find((e) => e.event.startsWith('guardrail redemption-failure-rate'));
    expect(breachedAt?.offset).toMatch(/^\+0d 20:(09|1[0-5])$/);
    expect(report.rollback?.steps.length).toBeGreaterThan(0);
    expect(report.rollback?.steps.every((s) => s.status === 'DONE')).toBe(true);
  });

  it('a failing rollback adapter gives ROLLBACK_FAILED naming the step', async () => {
    const scenario = join(__dirname, '../fixtures/scenarios/merchant-breach-revert-fails.yaml');
    const r = await cli('simulate', MERCHANT, '--scenario', scenario, '--format', 'json');
    const report = JSON.parse(r.stdout) as Report;
    expect(report.status).toBe('ROLLBACK_FAILED');
    const failed = report.rollback?.steps.filter((s) => s.status === 'FAILED').map((s) => s.id);
    expect(failed).toEqual(['revert-deployment-previous-version']);
  });
});

describe('simulate costs', () => {
  it('a 14-day soak with a 1-minute guardrail cadence takes a handful of workflow tasks, not one per minute', async () => {
    const plan = seedPlan(MERCHANT);
    let tasks = -1;
    const result = await simulate({
      plan,
      scenario: EMPTY_SCENARIO,
      testServerPath: temporalTools().testServer,
      rolloutId: 'costs',
      inspect: async (env, workflowId) => {
        const phase = env.client.workflow.getHandle(phaseWorkflowId('costs', 'pilot-merchants'));
        await recordHistory('simulated-phase-completed', phase);
        await recordHistory('simulated-rollout-completed', env.client.workflow.getHandle(workflowId));
        const history = await phase.fetchHistory();
        tasks = (history.events ?? []).filter(
          (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        ).length;
      },
    });
    expect(result.status).toBe('COMPLETED');
    // 14 days at one reading a minute would be 20,160 tasks.
    expect(tasks).toBeGreaterThan(0);
    expect(tasks).toBeLessThan(100);
  });
});

describe('rehearse', () => {
  it('runs one rollback level against recording adapters and writes evidence with its digest', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rehearsal-')), 'evidence.json');
    const r = await cli('rehearse', MERCHANT, '--level', 'data', '--phase', 'limited-rollout', '--out', out);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const evidence = JSON.parse(text) as {
      outcome: string;
      level: string;
      steps: { id: string; source: string; status: string }[];
      calls: { adapter: string; ok: boolean }[];
      flagsAfter: Record<string, unknown>;
    };
    expect(evidence).toMatchObject({ outcome: 'ROLLED_BACK', level: 'data' });
    const level = evidence.steps.filter((s) => s.source === 'level');
    expect(level.map((s) => s.status)).toEqual(level.map(() => 'DONE'));
    expect(level.length).toBe(seedPlan(MERCHANT).rollback.levels.find((l) => l.id === 'data')?.steps.length);
    // Every compensation and level step went through an adapter, which recorded instead of sending.
    expect(evidence.calls.length).toBe(evidence.steps.length);
    expect(evidence.flagsAfter).toEqual(defaults(seedPlan(MERCHANT)));
    const digest = createHash('sha256').update(text).digest('hex');
    expect(r.stdout).toContain(`SHA-256:  ${digest}`);
  });

  it('refuses a level the plan does not have, naming the ones it has', async () => {
    const r = await cli('rehearse', MERCHANT, '--level', 'full');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"full" is not a rollback level of the plan (quick, data)');
  });
});

describe('simulate refuses bad input and runs nothing', () => {
  it('names each problem in a scenario', async () => {
    const r = await cli(
      'simulate',
      MERCHANT,
      '--scenario',
      join(__dirname, '../fixtures/scenarios/invalid.yaml'),
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/nosuch-phase/);
    expect(r.stderr).toMatch(/no_such_metric/);
  });

  it('reports an unreadable scenario file', async () => {
    const r = await cli('simulate', MERCHANT, '--scenario', '/nonexistent/scenario.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read scenario/);
  });
});
