import { inActivity } from '../test/support/activity-env';
import { startWebhookReceiver } from '../test/support/webhook-receiver';
import { createActivityContext } from '../test/support/worker-context';
import type { MetricCatalogue } from '../workflows/engine/catalogue';

// queryMetric with a catalogue file: the entry's query (or the plan's override), values with their unit.

let ctx: Awaited<ReturnType<typeof createActivityContext>>;
let prometheus: Awaited<ReturnType<typeof startWebhookReceiver>>;

const errorRatio = 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))';
const catalogue: MetricCatalogue = {
  source: '/etc/rollout/metrics.yaml',
  strict: true,
  metrics: {
    error_rate: { query: errorRatio, unit: 'ratio', plans: { checkout: { query: 'checkout:error_ratio' } } },
    p99_latency: { query: 'p99_seconds', unit: 's' },
  },
};

beforeAll(async () => {
  prometheus = await startWebhookReceiver();
  ctx = await createActivityContext({ adapters: { prometheusUrl: prometheus.url, catalogue } });
});
afterAll(async () => {
  await ctx.close();
  await prometheus.close();
});
beforeEach(() => {
  prometheus.received.length = 0;
});

const vector = (...values: string[]) => ({
  status: 200,
  body: {
    status: 'success',
    data: { resultType: 'vector', result: values.map((v) => ({ metric: {}, value: [1795000000, v] })) },
  },
});
const sentQueries = () =>
  prometheus.received.map((r) => new URL(r.path, prometheus.url).searchParams.get('query'));
const at = '2026-11-18T20:26:40.000Z';
const sampledAt = new Date(1795000000 * 1000).toISOString();

describe('queryMetric with a metric catalogue', () => {
  test("reads the catalogue's query and returns the value in the catalogue's unit", async () => {
    prometheus.answer(vector('0.09'));
    await expect(inActivity('c1')(ctx.activities.queryMetric, { query: 'error_rate', at })).resolves.toEqual({
      value: 0.09,
      at: sampledAt,
      unit: 'ratio',
    });
    expect(sentQueries()).toEqual([errorRatio]);
  });

  test("converted into the unit asked for (the guardrail's): a ratio of 0.09 is 9 %", async () => {
    prometheus.answer(vector('0.09'), vector('0.95'));
    await expect(
      inActivity('c2')(ctx.activities.queryMetric, { query: 'error_rate', at, unit: '%' }),
    ).resolves.toEqual({ value: 9, at: sampledAt, unit: '%' });
    await expect(
      inActivity('c3')(ctx.activities.queryMetric, { query: 'p99_latency', at, unit: 'ms' }),
    ).resolves.toMatchObject({ value: 950, unit: 'ms' });
  });

  test("a plan's override query is used for that plan only", async () => {
    prometheus.answer(vector('0.01'), vector('0.02'));
    await inActivity('c4')(ctx.activities.queryMetric, { query: 'error_rate', at, plan: 'checkout' });
    await inActivity('c5')(ctx.activities.queryMetric, { query: 'error_rate', at, plan: 'search' });
    expect(sentQueries()).toEqual(['checkout:error_ratio', errorRatio]);
  });

  test('an unmapped metric is not queried: no data, cause unmapped, naming the catalogue', async () => {
    await expect(inActivity('c6')(ctx.activities.queryMetric, { query: 'signup_rate', at })).resolves.toEqual(
      {
        value: null,
        at,
        cause: 'unmapped',
        detail: 'signup_rate has no entry in the metric catalogue /etc/rollout/metrics.yaml',
      },
    );
    expect(prometheus.received).toHaveLength(0);
  });

  test('units that cannot be reconciled give no data (cause unit), never a number', async () => {
    prometheus.answer(vector('0.4'));
    await expect(
      inActivity('c7')(ctx.activities.queryMetric, { query: 'p99_latency', at, unit: '%' }),
    ).resolves.toMatchObject({ value: null, unit: 's', cause: 'unit' });
  });

  test('an empty answer is no data with cause no-series, in the unit of the entry', async () => {
    prometheus.answer(vector());
    await expect(inActivity('c8')(ctx.activities.queryMetric, { query: 'error_rate', at })).resolves.toEqual({
      value: null,
      at,
      unit: 'ratio',
      cause: 'no-series',
    });
  });
});
