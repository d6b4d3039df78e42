import { factsAt, factsOf } from '../plan.facts';
import type { RolloutPlan } from '../plan.schema';
import type { ImportResult } from './import';

/** An element that stands for part of the document, and must therefore say where it came from. */
interface Located {
  path: string;
  element: { source?: { line: number } };
}

function locatedElements(plan: RolloutPlan): Located[] {
  // Metadata comes from the title heading, when the document has one.
  const out: Located[] =
    plan.metadata.title === undefined ? [] : [{ path: 'metadata', element: plan.metadata }];
  const list = (items: Located['element'][], path: string) =>
    items.forEach((element, i) => out.push({ path: `${path}[${i}]`, element }));
  list(plan.flags, 'flags');
  plan.phases.forEach((phase, i) => {
    out.push({ path: `phases[${i}]`, element: phase });
    if (phase.audience) {
      out.push({ path: `phases[${i}].audience`, element: phase.audience });
      list(phase.audience.limits, `phases[${i}].audience.limits`);
    }
    list(phase.checklist, `phases[${i}].checklist`);
    list(phase.communications, `phases[${i}].communications`);
  });
  list(plan.metrics, 'metrics');
  list(plan.guardrails, 'guardrails');
  list(plan.manualTriggers, 'manualTriggers');
  plan.rollback.levels.forEach((level, i) => {
    out.push({ path: `rollback.levels[${i}]`, element: level });
    list(level.steps, `rollback.levels[${i}].steps`);
  });
  list(plan.reviews, 'reviews');
  list(plan.communications, 'communications');
  if (plan.settings.auditRetention) out.push({ path: 'settings', element: plan.settings });
  return out;
}

/**
 * The importer's promise, checked: every non-blank line is accounted for exactly once (understood or not),
 * a line reported understood names the facts it gave, every element of the plan carries its `source.line`,
 * and an element that holds facts is reported understood at that line. Returns what breaks the promise.
 */
export function auditImport(text: string, { plan, report }: ImportResult): string[] {
  const problems: string[] = [];
  const counts = new Map<number, number>();
  for (const { line } of [...report.mapped, ...report.unmapped])
    counts.set(line, (counts.get(line) ?? 0) + 1);
  text.split('\n').forEach((content, index) => {
    const count = counts.get(index + 1) ?? 0;
    if (content.trim() !== '' && count !== 1)
      problems.push(`line ${index + 1} is accounted for ${count} times`);
  });
  for (const { line, to, facts } of report.mapped)
    if (facts.length === 0) problems.push(`line ${line} is reported understood as ${to} but gave no fact`);
  const understood = new Set(report.mapped.map((m) => m.line));
  const facts = factsOf(plan);
  for (const { path, element } of locatedElements(plan)) {
    const line = element.source?.line;
    if (typeof line !== 'number') problems.push(`${path} has no source.line`);
    else if (!understood.has(line) && factsAt(facts, path).length > 0)
      problems.push(`${path} holds facts but its line ${line} is reported not understood`);
  }
  return problems;
}
