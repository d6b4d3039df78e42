import { parse } from 'yaml';
import { z } from 'zod';
import { durationProblem, durationToMillis, type RolloutPlan } from '../../../../libs/plan/src';
import { timelineProblems } from '../../../../workflows/engine/metric-source';

/**
 * A simulation scenario: what the metrics do over simulated time and when people act. Offsets are ISO-8601
 * durations from the rollout start. Whatever the scenario leaves out happens as soon as it may: every item
 * and gate it does not name is done at once, every metric it does not name is healthy.
 */

const Offset = z
  .string()
  .refine((text) => durationProblem(text) === undefined || durationProblem(text) === 'zero', {
    message: 'must be an ISO-8601 duration offset such as PT0S, PT30M or P15DT2H',
  });

const Person = {
  /** Who acts; a simulated person when absent. */
  by: z.string().min(1).optional(),
  /** Their roles; every role the plan names when absent. */
  roles: z.array(z.string().min(1)).optional(),
};

const ItemRef = { phase: z.string().min(1), item: z.string().min(1) };

export const ActionSchema = z.discriminatedUnion('do', [
  z.strictObject({
    at: Offset,
    do: z.literal('complete'),
    ...ItemRef,
    ...Person,
    note: z.string().optional(),
    evidence: z.string().optional(),
  }),
  z.strictObject({
    at: Offset,
    do: z.literal('approve'),
    ...ItemRef,
    ...Person,
    note: z.string().optional(),
  }),
  z.strictObject({ at: Offset, do: z.literal('reopen'), ...ItemRef, ...Person, note: z.string().optional() }),
  z.strictObject({
    at: Offset,
    do: z.literal('skip'),
    ...ItemRef,
    ...Person,
    justification: z.string().min(1),
  }),
  z.strictObject({ at: Offset, do: z.literal('check'), ...ItemRef, healthy: z.boolean() }),
  z.strictObject({
    at: Offset,
    do: z.literal('sign-off'),
    phase: z.string().min(1),
    ...Person,
    note: z.string().optional(),
  }),
  z.strictObject({ at: Offset, do: z.literal('pause'), ...Person, reason: z.string().optional() }),
  z.strictObject({ at: Offset, do: z.literal('resume'), ...Person }),
  z.strictObject({
    at: Offset,
    do: z.literal('rollback'),
    ...Person,
    level: z.string().optional(),
    reason: z.string().min(1),
  }),
  z.strictObject({ at: Offset, do: z.literal('abort'), ...Person, reason: z.string().min(1) }),
  z.strictObject({
    at: Offset,
    do: z.literal('complete-review'),
    review: z.string().min(1),
    ...Person,
    note: z.string().optional(),
  }),
  z.strictObject({ at: Offset, do: z.literal('confirm-step'), step: z.string().min(1), ...Person }),
]);

export const ScenarioSchema = z.strictObject({
  description: z.string().optional(),
  /** Per metric, `{ at, value }` points: from `at` on, the metric reads `value` (null: no data). */
  metrics: z
    .record(z.string(), z.array(z.object({ at: z.string(), value: z.number().nullable() })))
    .default({}),
  actions: z.array(ActionSchema).default([]),
  /** Rollback adapter steps that fail every time (a step id, or a kind such as revert-deployment or notify). */
  fail: z.array(z.string().min(1)).default([]),
  /** Stop simulating this long after the start, whatever is still waiting (default: P2Y). */
  until: Offset.optional(),
});

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioAction = z.infer<typeof ActionSchema>;

export const EMPTY_SCENARIO: Scenario = { metrics: {}, actions: [], fail: [] };

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; errors: string[] };

/** Parses a scenario (YAML or JSON text) and returns every problem with its path. */
export function parseScenario(text: string): ScenarioResult {
  let data: unknown;
  try {
    data = parse(text) ?? {};
  } catch (error) {
    return { ok: false, errors: [`not YAML or JSON: ${(error as Error).message.split('\n')[0]}`] };
  }
  const parsed = ScenarioSchema.safeParse(data);
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${i.path.join('.') || '(scenario)'}: ${i.message}`),
    };
  const problems = timelineProblems(parsed.data.metrics);
  return problems.length ? { ok: false, errors: problems } : { ok: true, scenario: parsed.data };
}

/** Milliseconds after the start; offsets were validated, and zero is "at the start". */
export const offsetMs = (text: string): number =>
  durationProblem(text) === 'zero' ? 0 : (durationToMillis(text) ?? 0);

/** References the plan does not have: a phase, item, review, rollback level or metric it does not name. */
export function scenarioProblems(scenario: Scenario, plan: RolloutPlan): string[] {
  const problems: string[] = [];
  const phases = new Map(plan.phases.map((p) => [p.id, p]));
  const levels = plan.rollback.levels.map((l) => l.id);
  const reviews = plan.reviews.map((r) => r.id);
  const metrics = new Set(plan.guardrails.map((g) => g.metric));
  for (const metric of Object.keys(scenario.metrics))
    if (!metrics.has(metric))
      problems.push(
        `metrics.${metric}: no guardrail of the plan reads it (${[...metrics].join(', ') || 'none'})`,
      );
  scenario.actions.forEach((a, i) => {
    const path = `actions[${i}]`;
    if ('phase' in a) {
      const phase = phases.get(a.phase);
      if (!phase)
        problems.push(
          `${path}.phase: "${a.phase}" is not a phase of the plan (${[...phases.keys()].join(', ')})`,
        );
      else if ('item' in a && !phase.checklist.some((c) => c.id === a.item))
        problems.push(`${path}.item: "${a.item}" is not an item of phase ${a.phase}`);
      else if (a.do === 'check' && phase.checklist.find((c) => c.id === a.item)?.kind !== 'sustained')
        problems.push(`${path}.item: "${a.item}" is not a sustained item; only those take check results`);
    }
    if (a.do === 'rollback' && a.level && !levels.includes(a.level))
      problems.push(
        `${path}.level: "${a.level}" is not a rollback level of the plan (${levels.join(', ') || 'none'})`,
      );
    if (a.do === 'complete-review' && !reviews.includes(a.review))
      problems.push(
        `${path}.review: "${a.review}" is not a review of the plan (${reviews.join(', ') || 'none'})`,
      );
  });
  return problems;
}
