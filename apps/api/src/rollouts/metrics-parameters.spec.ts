import {
  cadenceSecondsOf,
  MAX_CADENCE_SECONDS,
  metricsSettingsOf,
  parseMetricsParameters,
} from './metrics-parameters';

const withPrometheus = { prometheusUrl: 'http://127.0.0.1:9090' };

describe('parameters.metrics', () => {
  test('cadence texts: seconds, short units, ISO 8601', () => {
    expect(
      ['30', '30s', '1.5 s', '2m', '2 minutes', '1h', '500ms', 'PT45S', 'pt1m', 'PT1M30S'].map(
        cadenceSecondsOf,
      ),
    ).toEqual([30, 30, 1.5, 120, 120, 3600, 0.5, 45, 60, 90]);
    for (const bad of ['', 'soon', '-5s', '5 days', 'P', '1e3', '5 parsecs'])
      expect([bad, cadenceSecondsOf(bad)]).toEqual([bad, undefined]);
  });

  test('source defaults to Prometheus when PROMETHEUS_URL is configured, else pushed; cadence to a minute', () => {
    expect(parseMetricsParameters(undefined, withPrometheus)).toEqual({
      choice: { source: 'prometheus', cadenceSeconds: 60 },
    });
    expect(parseMetricsParameters({}, {})).toEqual({ choice: { source: 'pushed', cadenceSeconds: 60 } });
    expect(parseMetricsParameters({ source: 'pushed', cadence: 'PT10S' }, withPrometheus)).toEqual({
      choice: { source: 'pushed', cadenceSeconds: 10 },
    });
    expect(parseMetricsParameters({ cadenceSeconds: 2 }, withPrometheus).choice).toEqual({
      source: 'prometheus',
      cadenceSeconds: 2,
    });
  });

  test('refused: Prometheus without PROMETHEUS_URL, cadences out of bounds, both cadences, unsafe text', () => {
    const problems = (
      input: Parameters<typeof parseMetricsParameters>[0],
      env: { prometheusUrl?: string } = withPrometheus,
    ) => parseMetricsParameters(input, env).problems?.join('; ');
    expect(problems({ source: 'prometheus' }, {})).toMatch(/needs PROMETHEUS_URL/);
    expect(problems({ cadence: '500ms' })).toMatch(/between 1 second and 60 minutes \(got 0.5 s\)/);
    expect(problems({ cadenceSeconds: MAX_CADENCE_SECONDS + 1 })).toMatch(/between/);
    expect(problems({ cadenceSeconds: 0 })).toMatch(/between/);
    expect(problems({ cadenceSeconds: Number.NaN })).toBeDefined();
    expect(problems({ cadence: 'soon' })).toMatch(/"soon" is not a duration/);
    expect(problems({ cadence: '30s', cadenceSeconds: 30 })).toMatch(/not both/);
    expect(problems({ cadence: '3\u00000s' })).toMatch(/control characters/);
    expect(problems({ source: 'simulated' as 'pushed' })).toBeDefined();
  });

  test('the workflow settings: milliseconds', () => {
    expect(metricsSettingsOf({ source: 'prometheus', cadenceSeconds: 1.5 })).toEqual({
      source: 'prometheus',
      cadenceMs: 1_500,
    });
  });
});
