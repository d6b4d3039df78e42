import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMetricCatalogue } from './metric-catalogue';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'catalogue-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadMetricCatalogue', () => {
  test('reads a YAML catalogue: queries, canonical units, per-plan overrides', () => {
    const path = file(
      'metrics.yaml',
      [
        'metrics:',
        '  error_rate:',
        '    query: sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
        '    unit: ratio',
        '    plans:',
        '      checkout-launch:',
        '        query: checkout:error_ratio',
        '  p99_latency:',
        '    query: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
        '    unit: seconds',
      ].join('\n'),
    );
    expect(loadMetricCatalogue({ METRIC_CATALOGUE: path })).toEqual({
      source: path,
      strict: true,
      metrics: {
        error_rate: {
          query: 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
          unit: 'ratio',
          plans: { 'checkout-launch': { query: 'checkout:error_ratio' } },
        },
        p99_latency: {
          query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
          unit: 's',
        },
      },
    });
  });

  test('reads JSON by its extension', () => {
    const path = file(
      'metrics.json',
      '{"metrics":{"queue_backlog":{"query":"max(queue_depth)","unit":"count"}}}',
    );
    expect(loadMetricCatalogue({ METRIC_CATALOGUE: path }).metrics.queue_backlog).toEqual({
      query: 'max(queue_depth)',
      unit: 'count',
    });
  });

  test('refuses with the file, the entry and the problem named', () => {
    const path = file(
      'bad.yaml',
      ['metrics:', '  error_rate:', '    query: up', '  latency:', '    unit: ms', '    querry: x'].join(
        '\n',
      ),
    );
    expect(() => loadMetricCatalogue({ METRIC_CATALOGUE: path })).toThrow(
      `Invalid metric catalogue ${path} (METRIC_CATALOGUE): entry "error_rate": unit: Invalid input: expected string, received undefined; entry "latency": query: Invalid input: expected string, received undefined; entry "latency": Unrecognized key: "querry"`,
    );
  });

  test.each([
    ['not-yaml.yaml', 'metrics: [unclosed', /not-yaml\.yaml \(METRIC_CATALOGUE\): not YAML/],
    ['not-json.json', '{', /not-json\.json \(METRIC_CATALOGUE\): not JSON/],
    [
      'list.yaml',
      '- a\n- b',
      /list\.yaml \(METRIC_CATALOGUE\): Invalid input: expected object, received array/,
    ],
    ['empty.yaml', '', /empty\.yaml \(METRIC_CATALOGUE\): metrics: .*expected record/],
    [
      'name.yaml',
      'metrics:\n  "5xx":\n    query: up\n    unit: count',
      /entry "5xx": not a plan metric name/,
    ],
  ])('refuses %s', (name, text, message) => {
    expect(() => loadMetricCatalogue({ METRIC_CATALOGUE: file(name, text) })).toThrow(message);
  });

  test('METRIC_QUERIES is the deprecated shorthand: no units, not strict', () => {
    expect(loadMetricCatalogue({ METRIC_QUERIES: '{"error_rate":" up "}' })).toEqual({
      source: 'METRIC_QUERIES',
      strict: false,
      metrics: { error_rate: { query: 'up' } },
    });
  });

  test('nothing configured: an empty catalogue that reads metrics by name', () => {
    expect(loadMetricCatalogue({})).toEqual({ source: 'none', strict: false, metrics: {} });
  });
});
