import { z } from 'zod';
import type { Guardrail, RolloutPlan } from '../../libs/plan/src/model';
import { canonicalUnit, unitProblem } from './units';

/**
 * The metric catalogue: how each plan metric is read (its PromQL) and in which unit the query answers, with
 * optional per-plan overrides. Loaded from the file METRIC_CATALOGUE names (libs/config/src/metric-catalogue.ts);
 * this module is its pure part (schema, lookup, plan checks), safe for workflow code, the API and the CLI.
 */

const Text = z.string().trim().min(1);
const Unit = Text.transform(canonicalUnit);

const OverrideSchema = z
  .strictObject({ query: Text.optional(), unit: Unit.optional() })
  .refine((o) => o.query !== undefined || o.unit !== undefined, {
    message: 'an override sets query, unit or both',
  });

export const CatalogueEntrySchema = z.strictObject({
  /** PromQL; it must answer one series (aggregate it, e.g. `sum(...)`) or none. */
  query: Text,
  /** The unit of the query's result: ratio, percent, ms, s, count, rps, bytes … (see units.ts). */
  unit: Unit,
  description: Text.optional(),
  /** Per plan (its `metadata.name`): another query and/or unit for that plan's rollouts. */
  plans: z.record(Text, OverrideSchema).optional(),
});

export const MetricCatalogueSchema = z.strictObject({
  /** Plan metric name → how it is read. */
  metrics: z.record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_:.]*$/, 'not a plan metric name'),
    CatalogueEntrySchema,
  ),
});

export type CatalogueEntry = z.output<typeof CatalogueEntrySchema>;

export interface MetricCatalogue {
  /** Where it came from: the file's path, `METRIC_QUERIES` (the deprecated shorthand), or `none`. */
  source: string;
  /**
   * A file catalogue is the whole truth: a metric it does not name is not queried (no data, "unmapped").
   * The METRIC_QUERIES shorthand, and no catalogue at all, keep the old rule: an unnamed metric is queried
   * by its own name.
   */
  strict: boolean;
  /** Entries of the METRIC_QUERIES shorthand have no unit: their readings are taken in the guardrail's unit. */
  metrics: Record<string, { query: string; unit?: string; plans?: CatalogueEntry['plans'] }>;
}

export const EMPTY_CATALOGUE: MetricCatalogue = { source: 'none', strict: false, metrics: {} };

/** How a metric is read for a plan. */
export interface ResolvedMetric {
  metric: string;
  query: string;
  /** The unit of the query's result; absent = unknown (read in the guardrail's unit, as before catalogues). */
  unit?: string;
  /** `catalogue`, `override` (the plan's own entry), or `name` (no entry: the metric's name is the query). */
  from: 'catalogue' | 'override' | 'name';
}

/** Metric names are user text: "constructor" must not reach Object.prototype. */
const own = <T>(record: Record<string, T> | undefined, key: string): T | undefined =>
  record && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;

/** How `metric` is read for `plan`, or undefined when a strict catalogue does not map it. */
export function resolveMetric(
  catalogue: MetricCatalogue,
  metric: string,
  plan?: string,
): ResolvedMetric | undefined {
  const entry = own(catalogue.metrics, metric);
  if (!entry) return catalogue.strict ? undefined : { metric, query: metric, from: 'name' };
  const override = plan === undefined ? undefined : own(entry.plans, plan);
  const unit = override?.unit ?? entry.unit;
  return {
    metric,
    query: override?.query ?? entry.query,
    ...(unit ? { unit } : {}),
    from: override ? 'override' : 'catalogue',
  };
}

/** The unit a metric's values are in for a plan (pushed readings too), or undefined when unknown. */
export const metricUnit = (catalogue: MetricCatalogue, metric: string, plan?: string): string | undefined =>
  resolveMetric(catalogue, metric, plan)?.unit;

export interface UnmappedMetric {
  metric: string;
  /** The guardrails that read it. */
  guardrails: string[];
}

export interface UnitMismatch {
  metric: string;
  guardrailId: string;
  /** The unit the catalogue gives the metric's query (for this plan). */
  metricUnit: string;
  /** The unit of the guardrail's threshold. */
  guardrailUnit: string;
  message: string;
}

export interface PlanMetricProblems {
  /** Metrics the plan's guardrails read that the catalogue does not name (read as no data when strict). */
  unmapped: UnmappedMetric[];
  /** Guardrails whose threshold unit cannot be reconciled with their metric's unit: a start is refused. */
  unitMismatches: UnitMismatch[];
}

export const CatalogueMessages = {
  UNMAPPED: (u: UnmappedMetric, source: string) =>
    `metric ${u.metric} (guardrail ${u.guardrails.join(', ')}) has no entry in the metric catalogue ${source}`,
  MISMATCH: (m: UnitMismatch) =>
    `guardrail ${m.guardrailId}: metric ${m.metric} is in "${m.metricUnit}" but the threshold is in "${m.guardrailUnit}"; they cannot be compared`,
} as const;

/**
 * The plan's guardrail metrics the catalogue does not map, and the guardrails whose threshold unit cannot be
 * reconciled with the unit of their metric's query (both units named). Metrics only declared (`metrics:`,
 * watched by no guardrail) are not read by the engine and are not checked.
 */
export function planMetricProblems(
  plan: Pick<RolloutPlan, 'guardrails'> & { metadata: Pick<RolloutPlan['metadata'], 'name'> },
  catalogue: MetricCatalogue,
): PlanMetricProblems {
  const unmapped = new Map<string, string[]>();
  const unitMismatches: UnitMismatch[] = [];
  for (const guardrail of plan.guardrails) {
    if (!own(catalogue.metrics, guardrail.metric)) {
      unmapped.set(guardrail.metric, [...(unmapped.get(guardrail.metric) ?? []), guardrail.id]);
      continue;
    }
    const mismatch = unitMismatch(guardrail, metricUnit(catalogue, guardrail.metric, plan.metadata.name));
    if (mismatch) unitMismatches.push(mismatch);
  }
  return {
    unmapped: [...unmapped].map(([metric, guardrails]) => ({ metric, guardrails })),
    unitMismatches,
  };
}

function unitMismatch(guardrail: Guardrail, unit: string | undefined): UnitMismatch | undefined {
  if (!unitProblem(unit, guardrail.unit)) return undefined;
  const m = {
    metric: guardrail.metric,
    guardrailId: guardrail.id,
    metricUnit: unit as string,
    guardrailUnit: guardrail.unit as string,
  };
  return { ...m, message: CatalogueMessages.MISMATCH({ ...m, message: '' }) };
}

/** Every problem as one line each (for `plan validate --catalogue` and the API's refusal). */
export function describeMetricProblems(problems: PlanMetricProblems, catalogue: MetricCatalogue): string[] {
  return [
    ...problems.unmapped.map((u) => CatalogueMessages.UNMAPPED(u, catalogue.source)),
    ...problems.unitMismatches.map((m) => m.message),
  ];
}
