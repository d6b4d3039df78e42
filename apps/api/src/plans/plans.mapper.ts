import type { PlanVersion } from '../../../../libs/persistence/src';
import type { ImportReport, PlanError, RolloutPlan } from '../../../../libs/plan/src';
import type { PlanImportReport, PlanProblem, PlanVersionModel } from './models/plan.model';

export function toPlanVersion(row: PlanVersion): PlanVersionModel {
  const plan = row.plan as unknown as RolloutPlan;
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    title: plan.metadata.title,
    format: row.format,
    digest: row.digest,
    changes: row.changes,
    phases: plan.phases.map((p) => p.name),
    planJson: JSON.stringify(plan),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

export const toProblems = (errors: PlanError[]): PlanProblem[] =>
  errors.map((e) => ({ path: e.path, line: e.line, message: e.message }));

export function toReport(report: ImportReport | undefined): PlanImportReport | undefined {
  if (!report) return undefined;
  return {
    mappedLines: report.mapped.length,
    mapped: report.mapped.map((m) => ({ line: m.line, to: m.to, facts: m.facts })),
    unmapped: report.unmapped.map((u) => ({ line: u.line, text: u.text, keptAs: u.keptAs })),
    notes: report.notes.map((n) => ({ line: n.line, text: n.message })),
    errors: toProblems(report.errors),
  };
}
