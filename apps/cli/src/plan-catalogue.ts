import type { RolloutPlan } from '../../../libs/plan/src';
import {
  CatalogueMessages,
  planMetricProblems,
  type MetricCatalogue,
} from '../../../workflows/engine/catalogue';

/**
 * `plan validate --catalogue`: the plan's guardrail metrics the catalogue does not map, and the guardrails
 * whose threshold unit cannot be reconciled with their metric's unit; undefined when there are none.
 */
export function catalogueReport(
  file: string,
  plan: RolloutPlan,
  catalogue: MetricCatalogue,
): string | undefined {
  const { unmapped, unitMismatches } = planMetricProblems(plan, catalogue);
  if (unmapped.length === 0 && unitMismatches.length === 0) return undefined;
  const lines = [
    `${file}: ${unmapped.length} metric(s) without a catalogue entry, ${unitMismatches.length} unit mismatch(es) (catalogue ${catalogue.source})`,
    ...unmapped.map((u) => `  unmapped: ${CatalogueMessages.UNMAPPED(u, catalogue.source)}`),
    ...unitMismatches.map((m) => `  unit mismatch: ${m.message}`),
  ];
  return `${lines.join('\n')}\n`;
}
