import { connectionOptions, loadTemporalConfig, workflowUiUrl } from './temporal.config';

describe('Temporal configuration', () => {
  test('defaults to the local dev server without TLS', () => {
    const config = loadTemporalConfig({});
    expect(config).toMatchObject({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'rollouts',
      uiUrl: 'http://localhost:8233',
    });
    expect(config.tls).toBeUndefined();
    expect(connectionOptions(config)).toEqual({
      address: '127.0.0.1:7233',
      apiKey: undefined,
      tls: undefined,
    });
  });

  test('an API key implies TLS, as Temporal Cloud requires', () => {
    const config = loadTemporalConfig({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_API_KEY: 'k',
    });
    expect(config.tls).toEqual({});
    expect(connectionOptions(config)).toMatchObject({ apiKey: 'k', tls: {} });
  });

  test('rejects bad values with a message naming the variable', () => {
    expect(() => loadTemporalConfig({ TEMPORAL_ADDRESS: 'no-port' })).toThrow(
      /TEMPORAL_ADDRESS: expected host:port/,
    );
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_CERT_PATH: '/c.pem' })).toThrow(/go together/);
    expect(() => loadTemporalConfig({ TEMPORAL_TLS: 'maybe' })).toThrow(/TEMPORAL_TLS/);
  });

  test('links a workflow in the Web UI', () => {
    const config = loadTemporalConfig({ TEMPORAL_UI_URL: 'http://ui.example:8080/' });
    expect(workflowUiUrl(config, 'rollout-a b')).toBe(
      'http://ui.example:8080/namespaces/default/workflows/rollout-a%20b',
    );
  });
});
