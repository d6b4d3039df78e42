import {
  importMarkdown,
  parsePlanDocument,
  type ImportReport,
  type PlanError,
  type RolloutPlan,
} from '../../../libs/plan/src';
import type { PlanFile } from './plan-file';

export interface LoadedPlan {
  plan?: RolloutPlan;
  errors: PlanError[];
  /** Present when the plan came from Markdown. */
  report?: ImportReport;
}

/**
 * A plan from a file that was read: Markdown is imported (named after the file when its title is generic),
 * YAML and JSON are parsed and validated.
 */
export function loadPlan(file: Extract<PlanFile, { ok: true }>, fileName?: string): LoadedPlan {
  if (file.format === 'markdown') {
    const { plan, report } = importMarkdown(file.text, { fileName });
    return { plan, errors: report.errors, report };
  }
  const result = parsePlanDocument(file.text, { format: file.format });
  return result.ok ? { plan: result.plan, errors: [] } : { errors: result.errors };
}
