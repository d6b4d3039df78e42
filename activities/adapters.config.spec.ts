import { loadAdaptersConfig } from './adapters.config';

describe('adapters configuration', () => {
  test('nothing configured: no URLs, 30 s timeout, Prometheus keeps 15 days', () => {
    expect(loadAdaptersConfig({})).toEqual({
      notifyUrls: {},
      notifyFormats: {},
      notifyDefaultFormat: 'cloudevents',
      eventSource: 'urn:rollout-engine',
      eventTypePrefix: 'dev.rollout-engine',
      hookUrls: {},
      catalogue: { source: 'none', strict: false, metrics: {} },
      metricRetentionMs: 15 * 86_400_000,
      timeoutMs: 30_000,
    });
  });

  test.each([
    ['36h', 36 * 3_600_000],
    ['30d', 30 * 86_400_000],
    ['2w', 14 * 86_400_000],
  ])('PROMETHEUS_RETENTION %s', (retention, ms) => {
    expect(loadAdaptersConfig({ PROMETHEUS_RETENTION: retention }).metricRetentionMs).toBe(ms);
  });

  test('reads per-channel and per-hook URLs as JSON objects', () => {
    expect(
      loadAdaptersConfig({
        NOTIFY_WEBHOOK_URLS: '{"ops":"https://hooks.example.com/ops"}',
        NOTIFY_WEBHOOK_URL: 'https://hooks.example.com/all',
        HOOK_URLS: '{"revert-deployment":"http://deployer:8080/revert"}',
        PROMETHEUS_URL: 'http://prometheus:9090',
        METRIC_QUERIES:
          '{"error_rate":"100 * sum(rate(http_requests_total{code=~\\"5..\\"}[5m])) / sum(rate(http_requests_total[5m]))"}',
        ADAPTER_TIMEOUT_MS: '5000',
        PROMETHEUS_RETENTION: '90d',
        NOTIFY_FORMATS: '{"ops":"slack","leads":"teams"}',
        NOTIFY_FORMAT: 'cloudevents-structured',
        CONSOLE_URL: 'https://rollouts.example.com/',
        EVENT_SOURCE: 'https://rollouts.example.com',
        EVENT_TYPE_PREFIX: 'com.example',
      }),
    ).toEqual({
      notifyUrls: { ops: 'https://hooks.example.com/ops' },
      notifyDefaultUrl: 'https://hooks.example.com/all',
      notifyFormats: { ops: 'slack', leads: 'teams' },
      notifyDefaultFormat: 'cloudevents-structured',
      consoleUrl: 'https://rollouts.example.com',
      eventSource: 'https://rollouts.example.com',
      eventTypePrefix: 'com.example',
      hookUrls: { 'revert-deployment': 'http://deployer:8080/revert' },
      prometheusUrl: 'http://prometheus:9090',
      catalogue: {
        source: 'METRIC_QUERIES',
        strict: false,
        metrics: {
          error_rate: {
            query:
              '100 * sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
          },
        },
      },
      metricRetentionMs: 90 * 86_400_000,
      timeoutMs: 5000,
    });
  });

  test.each([
    [{ NOTIFY_WEBHOOK_URLS: '{ops:' }, /NOTIFY_WEBHOOK_URLS: expected a JSON object/],
    [{ NOTIFY_WEBHOOK_URLS: '{"ops":"not a url"}' }, /NOTIFY_WEBHOOK_URLS\.ops/],
    [{ NOTIFY_FORMATS: '{"ops":"discord"}' }, /NOTIFY_FORMATS\.ops/],
    [{ EVENT_TYPE_PREFIX: 'Com Example' }, /EVENT_TYPE_PREFIX/],
    [{ EVENT_SOURCE: 'my source' }, /EVENT_SOURCE: expected a URI-reference/],
    [{ HOOK_URLS: '{"revert_deployment":"http://x"}' }, /HOOK_URLS.*revert_deployment/],
    [{ PROMETHEUS_URL: 'ftp://prometheus' }, /PROMETHEUS_URL/],
    [{ METRIC_QUERIES: '["up"]' }, /METRIC_QUERIES/],
    [{ METRIC_QUERIES: '{"error_rate":"  "}' }, /METRIC_QUERIES: error_rate/],
    [{ METRIC_CATALOGUE: '/nonexistent/metrics.yaml' }, /metrics\.yaml.*no such file/],
    [{ METRIC_CATALOGUE: '/a.yaml', METRIC_QUERIES: '{}' }, /not both/],
    [{ ADAPTER_TIMEOUT_MS: '0' }, /ADAPTER_TIMEOUT_MS/],
    [
      { PROMETHEUS_RETENTION: '15 days' },
      /PROMETHEUS_RETENTION: expected a whole number of hours, days or weeks/,
    ],
    [{ PROMETHEUS_RETENTION: '0d' }, /PROMETHEUS_RETENTION/],
  ])('refuses %j at start-up', (env, message) => {
    expect(() => loadAdaptersConfig(env)).toThrow(message);
  });
});
