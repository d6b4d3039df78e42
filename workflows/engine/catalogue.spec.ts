import type { Guardrail } from '../../libs/plan/src/model';
import {
  describeMetricProblems,
  EMPTY_CATALOGUE,
  MetricCatalogueSchema,
  metricUnit,
  planMetricProblems,
  resolveMetric,
  type MetricCatalogue,
} from './catalogue';

const catalogue: MetricCatalogue = {
  source: '/etc/rollout/metrics.yaml',
  strict: true,
  metrics: {
    error_rate: {
      query: 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
      unit: 'ratio',
      plans: { 'checkout-launch': { query: 'checkout:error_ratio' } },
    },
    p99_latency: { query: 'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))', unit: 's' },
    queue_backlog: { query: 'max(queue_depth)', unit: 'count', plans: { legacy: { unit: 'percent' } } },
  },
};

const guardrail = (g: Partial<Guardrail> & Pick<Guardrail, 'id' | 'metric'>): Guardrail => ({
  operator: '>',
  threshold: 5,
  action: { type: 'rollback' },
  ...g,
});
const plan = (name: string, guardrails: Guardrail[]) => ({ metadata: { name }, guardrails });

describe('resolveMetric', () => {
  test('the catalogue query and unit; a plan override replaces what it sets', () => {
    expect(resolveMetric(catalogue, 'error_rate', 'other')).toMatchObject({
      query: catalogue.metrics.error_rate.query,
      unit: 'ratio',
      from: 'catalogue',
    });
    expect(resolveMetric(catalogue, 'error_rate', 'checkout-launch')).toEqual({
      metric: 'error_rate',
      query: 'checkout:error_ratio',
      unit: 'ratio',
      from: 'override',
    });
    expect(metricUnit(catalogue, 'queue_backlog', 'legacy')).toBe('percent');
  });

  test('a strict (file) catalogue does not map what it does not name; no catalogue reads the name', () => {
    expect(resolveMetric(catalogue, 'signup_rate')).toBeUndefined();
    expect(resolveMetric(catalogue, 'constructor')).toBeUndefined();
    expect(resolveMetric(EMPTY_CATALOGUE, 'signup_rate')).toEqual({
      metric: 'signup_rate',
      query: 'signup_rate',
      from: 'name',
    });
  });
});

describe('planMetricProblems', () => {
  test('"> 5%" on a ratio is fine (units convert); on seconds it is a mismatch naming both units', () => {
    const problems = planMetricProblems(
      plan('p', [
        guardrail({ id: 'error-rate', metric: 'error_rate', unit: '%' }),
        guardrail({ id: 'latency', metric: 'p99_latency', unit: '%' }),
        guardrail({ id: 'latency-ms', metric: 'p99_latency', threshold: 800, unit: 'ms' }),
      ]),
      catalogue,
    );
    expect(problems.unmapped).toEqual([]);
    expect(problems.unitMismatches).toEqual([
      {
        metric: 'p99_latency',
        guardrailId: 'latency',
        metricUnit: 's',
        guardrailUnit: '%',
        message:
          'guardrail latency: metric p99_latency is in "s" but the threshold is in "%"; they cannot be compared',
      },
    ]);
  });

  test('lists each unmapped metric once with the guardrails that read it', () => {
    const problems = planMetricProblems(
      plan('p', [
        guardrail({ id: 'a', metric: 'signup_rate' }),
        guardrail({ id: 'b', metric: 'signup_rate', operator: '<' }),
        guardrail({ id: 'c', metric: 'queue_backlog', threshold: 1000 }),
      ]),
      catalogue,
    );
    expect(problems).toEqual({
      unmapped: [{ metric: 'signup_rate', guardrails: ['a', 'b'] }],
      unitMismatches: [],
    });
    expect(describeMetricProblems(problems, catalogue)).toEqual([
      'metric signup_rate (guardrail a, b) has no entry in the metric catalogue /etc/rollout/metrics.yaml',
    ]);
  });

  test("a plan's override unit is the one checked", () => {
    const g = guardrail({ id: 'backlog', metric: 'queue_backlog', threshold: 1000, unit: 'count' });
    expect(planMetricProblems(plan('p', [g]), catalogue).unitMismatches).toEqual([]);
    expect(planMetricProblems(plan('legacy', [g]), catalogue).unitMismatches).toHaveLength(1);
  });
});

describe('MetricCatalogueSchema', () => {
  test('canonicalises units and refuses entries without a query or a unit', () => {
    const ok = MetricCatalogueSchema.parse({ metrics: { error_rate: { query: 'x', unit: '%' } } });
    expect(ok.metrics.error_rate.unit).toBe('percent');
    const bad = MetricCatalogueSchema.safeParse({ metrics: { error_rate: { query: 'x' } } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['metrics', 'error_rate', 'unit']);
    const empty = MetricCatalogueSchema.safeParse({
      metrics: { error_rate: { query: 'x', unit: 'ratio', plans: { p: {} } } },
    });
    expect(empty.success).toBe(false);
  });
});
