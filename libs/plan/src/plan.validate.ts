import type { core } from 'zod';
import { formatPath, sourceLineOf, type LineLocator, type PathSegment, type PlanError } from './plan.errors';
import { checkReferences } from './plan.references';
import { RolloutPlanSchema, type RolloutPlan } from './plan.schema';

export type PlanValidation = { ok: true; plan: RolloutPlan; errors: [] } | { ok: false; errors: PlanError[] };

export interface ValidateOptions {
  /** Finds lines for paths whose element has no `source.line` (e.g. a YAML document's own positions). */
  locate?: LineLocator;
}

/**
 * Validates anything against the plan schema, then the cross-references, and returns every error with
 * its path and line. Cross-reference checks need a well-formed plan, so they run once the schema passes.
 */
export function validatePlan(input: unknown, options: ValidateOptions = {}): PlanValidation {
  const toError = (path: readonly PathSegment[], message: string): PlanError => {
    const line = sourceLineOf(input, path) ?? options.locate?.(path);
    return line === undefined
      ? { path: formatPath(path), message }
      : { path: formatPath(path), line, message };
  };

  const parsed = RolloutPlanSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, errors: parsed.error.issues.flatMap((issue) => fromZod(issue, toError)) };

  const errors = checkReferences(parsed.data).map((issue) => toError(issue.path, issue.message));
  return errors.length === 0 ? { ok: true, plan: parsed.data, errors: [] } : { ok: false, errors };
}

function fromZod(
  issue: core.$ZodIssue,
  toError: (path: readonly PathSegment[], message: string) => PlanError,
): PlanError[] {
  const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
  // Name each unknown key in its own error so the path points at the offending line.
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => toError([...path, key], `unknown key "${key}"`));
  return [toError(path, issue.message)];
}
