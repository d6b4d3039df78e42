/**
 * The plan model alone: types, schema, validation, durations. Depends only on zod and luxon, so workflow
 * code (Temporal's deterministic sandbox) can import it without pulling in the YAML or Markdown parsers,
 * whose packages reach for Node's `process`, `buffer` and `path`.
 */
export * from './plan.schema';
export * from './plan.messages';
export * from './plan.errors';
export { validatePlan, type PlanValidation, type ValidateOptions } from './plan.validate';
export {
  durationProblem,
  durationToMillis,
  describeDuration,
  isDuration,
  toIsoDuration,
  MAX_DURATION_MS,
  type DurationProblem,
  type DurationUnit,
} from './duration';
