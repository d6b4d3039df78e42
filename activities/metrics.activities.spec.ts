import { inActivity } from '../test/support/activity-env';
import { failureOf } from '../test/support/failures';
import { startWebhookReceiver } from '../test/support/webhook-receiver';
import { createActivityContext } from '../test/support/worker-context';

let ctx: Awaited<ReturnType<typeof createActivityContext>>;
let prometheus: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  prometheus = await startWebhookReceiver();
  // A path prefix, as behind a reverse proxy: the API path is appended to it.
  ctx = await createActivityContext({
    adapters: {
      prometheusUrl: `${prometheus.url}/prom`,
      // The deprecated METRIC_QUERIES shorthand: queries without units, unnamed metrics read by name.
      catalogue: { source: 'METRIC_QUERIES', strict: false, metrics: { error_rate: { query } } },
    },
  });
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
const query = 'sum(rate(http_errors_total[5m])) / sum(rate(http_requests_total[5m]))';
const at = '2026-11-18T20:26:40.000Z';

describe('queryMetric', () => {
  test('runs an instant query at the given time and returns its one sample', async () => {
    prometheus.answer(vector('0.0625'));
    const reading = await inActivity('1')(ctx.activities.queryMetric, { query, at });

    expect(reading).toEqual({ value: 0.0625, at: new Date(1795000000 * 1000).toISOString() });
    const [request] = prometheus.received;
    const url = new URL(request.path, prometheus.url);
    expect([request.method, url.pathname]).toEqual(['GET', '/prom/api/v1/query']);
    expect(Object.fromEntries(url.searchParams)).toEqual({ query, time: String(Date.parse(at) / 1000) });
  });

  test("a plan's metric is read with the query configured for it (METRIC_QUERIES); another by its own name", async () => {
    prometheus.answer(vector('4.5'), vector('120'));
    await expect(
      inActivity('m1')(ctx.activities.queryMetric, { query: 'error_rate', at }),
    ).resolves.toMatchObject({
      value: 4.5,
    });
    await expect(
      inActivity('m2')(ctx.activities.queryMetric, { query: 'queue_backlog', at }),
    ).resolves.toMatchObject({
      value: 120,
    });
    const sent = prometheus.received.map((r) => new URL(r.path, prometheus.url).searchParams.get('query'));
    expect(sent).toEqual([query, 'queue_backlog']);
  });

  test('no data (an empty vector, or NaN) is a null reading, not an error', async () => {
    prometheus.answer(vector(), vector('NaN'));
    await expect(inActivity('2')(ctx.activities.queryMetric, { query, at })).resolves.toEqual({
      value: null,
      at,
      cause: 'no-series',
    });
    await expect(inActivity('3')(ctx.activities.queryMetric, { query, at })).resolves.toMatchObject({
      value: null,
    });
  });

  test('a scalar answer is read too', async () => {
    prometheus.answer({
      status: 200,
      body: { status: 'success', data: { resultType: 'scalar', result: [1795000000, '3'] } },
    });
    await expect(
      inActivity('4')(ctx.activities.queryMetric, { query: 'scalar(1+2)' }),
    ).resolves.toMatchObject({
      value: 3,
    });
  });

  test('a bad query (4xx) is non-retryable; an unavailable server (5xx) is retryable', async () => {
    prometheus.answer(
      { status: 400, body: { status: 'error', errorType: 'bad_data', error: 'parse error: unexpected "("' } },
      503,
    );
    const bad = await failureOf(inActivity('5')(ctx.activities.queryMetric, { query: 'rate((' }));
    expect(bad).toMatchObject({ type: 'MetricQueryRejected', nonRetryable: true });
    expect(bad.message).toContain('parse error');

    const down = await failureOf(inActivity('6')(ctx.activities.queryMetric, { query }));
    expect(down).toMatchObject({ type: 'MetricQueryUnavailable', nonRetryable: false });
  });

  test('several series are refused: a guardrail reads one value', async () => {
    prometheus.answer(vector('1', '2'));
    const err = await failureOf(inActivity('7')(ctx.activities.queryMetric, { query: 'up' }));
    expect(err).toMatchObject({ type: 'MetricQueryRejected', nonRetryable: true });
    expect(err.message).toBe('Metric query up: returned 2 series; aggregate it to one (e.g. max(...))');
  });

  test('without PROMETHEUS_URL the query fails without retrying', async () => {
    const bare = await createActivityContext();
    try {
      const err = await failureOf(inActivity('8')(bare.activities.queryMetric, { query }));
      expect(err).toMatchObject({ type: 'MetricsNotConfigured', nonRetryable: true });
    } finally {
      await bare.close();
    }
  });
});
