import { durationToMillis } from './duration';
import { formatPath, type PathSegment } from './plan.errors';
import { PlanMessages as M } from './plan.messages';
import type { FlagValue, RolloutPlan, TriggerAction } from './plan.schema';

export interface ReferenceIssue {
  path: PathSegment[];
  message: string;
}

/**
 * Checks that need the whole plan: unique ids, references between elements, durations that must agree.
 * Runs on a plan that already passed the schema.
 */
export function checkReferences(plan: RolloutPlan): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const report = (path: PathSegment[], message: string) => issues.push({ path, message });

  unique(
    plan.flags.map((flag, i) => [flag.key, ['flags', i, 'key']]),
    report,
  );
  unique(
    plan.phases.map((phase, i) => [phase.id, ['phases', i, 'id']]),
    report,
  );
  unique(
    plan.metrics.map((metric, i) => [metric.name, ['metrics', i, 'name']]),
    report,
  );
  // Guardrails and manual triggers share a namespace: both are triggered by id.
  unique(
    [
      ...plan.guardrails.map((g, i): Entry => [g.id, ['guardrails', i, 'id']]),
      ...plan.manualTriggers.map((t, i): Entry => [t.id, ['manualTriggers', i, 'id']]),
    ],
    report,
  );
  unique(
    plan.rollback.levels.map((level, i) => [level.id, ['rollback', 'levels', i, 'id']]),
    report,
  );
  unique(
    plan.reviews.map((review, i) => [review.id, ['reviews', i, 'id']]),
    report,
  );

  const flagDefaults = new Map(plan.flags.map((flag) => [flag.key, flag.default]));
  const checkFlags = (flags: Record<string, FlagValue>, at: PathSegment[]) => {
    for (const [key, value] of Object.entries(flags)) {
      if (!flagDefaults.has(key)) report([...at, key], M.UNKNOWN_FLAG(key));
      else if (typeof flagDefaults.get(key) !== typeof value)
        report([...at, key], M.FLAG_TYPE_MISMATCH(key, typeof flagDefaults.get(key)));
    }
  };

  const phaseIds = new Set(plan.phases.map((phase) => phase.id));
  plan.phases.forEach((phase, i) => {
    unique(
      phase.checklist.map((item, j) => [item.id, ['phases', i, 'checklist', j, 'id']]),
      report,
    );
    checkFlags(phase.flags, ['phases', i, 'flags']);
    const { min, max } = phase.duration ?? {};
    if (min && max && (durationToMillis(max) ?? 0) < (durationToMillis(min) ?? 0))
      report(['phases', i, 'duration', 'max'], M.DURATION_MAX_BELOW_MIN(min, max));
  });

  const levelIds = plan.rollback.levels.map((level) => level.id);
  const checkAction = (action: TriggerAction, at: PathSegment[]) => {
    if (action.type === 'rollback' && action.level !== undefined && !levelIds.includes(action.level))
      report([...at, 'level'], M.UNKNOWN_ROLLBACK_LEVEL(action.level, levelIds));
  };
  plan.guardrails.forEach((guardrail, i) => {
    checkAction(guardrail.action, ['guardrails', i, 'action']);
    guardrail.phases?.forEach((phase, j) => {
      if (!phaseIds.has(phase)) report(['guardrails', i, 'phases', j], M.UNKNOWN_PHASE(phase));
    });
    if (guardrail.mode && !guardrail.window) report(['guardrails', i, 'mode'], M.MODE_WITHOUT_WINDOW);
    if (guardrail.unit === '%' && (guardrail.threshold < 0 || guardrail.threshold > 100))
      report(['guardrails', i, 'threshold'], M.PERCENT_RANGE);
  });
  plan.manualTriggers.forEach((trigger, i) => checkAction(trigger.action, ['manualTriggers', i, 'action']));

  plan.rollback.levels.forEach((level, i) => {
    unique(
      level.steps.map((step, j) => [step.id, ['rollback', 'levels', i, 'steps', j, 'id']]),
      report,
    );
    level.steps.forEach((step, j) => {
      if (step.action.type !== 'set-flags') return;
      const at = ['rollback', 'levels', i, 'steps', j, 'action', 'flags'];
      if (Object.keys(step.action.flags).length === 0) report(at, M.SET_FLAGS_EMPTY);
      checkFlags(step.action.flags, at);
    });
  });
  return issues;
}

type Entry = [string, PathSegment[]];

function unique(entries: Entry[], report: (path: PathSegment[], message: string) => void): void {
  const first = new Map<string, PathSegment[]>();
  for (const [id, path] of entries) {
    const seen = first.get(id);
    if (seen) report(path, M.DUPLICATE_ID(id, formatPath(seen)));
    else first.set(id, path);
  }
}
