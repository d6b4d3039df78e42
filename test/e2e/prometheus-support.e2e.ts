import { existsSync } from 'node:fs';
import {
  exposition,
  findMonitoringBinaries,
  startAlertmanager,
  startExporter,
  startPrometheus,
  startWebhookReceiver,
} from '../support';
import { until } from '../support/wait';

// The monitoring test support itself (test/support/prometheus.ts), against Debian's binaries: what the
// guardrail and alerting suites rely on. A real Prometheus reads the exporter's values, loses the series once
// the exporter stops (no data, not the last value), and fires a rule through a real Alertmanager to a webhook.

jest.setTimeout(120_000);

const { prometheus: prometheusBin, alertmanager: alertmanagerBin } = findMonitoringBinaries();
const haveMonitoring = !!prometheusBin && !!alertmanagerBin;
if (!haveMonitoring && process.env.REQUIRE_MONITORING === '1')
  throw new Error('REQUIRE_MONITORING=1 but prometheus or prometheus-alertmanager is not installed');
const describeWithMonitoring = haveMonitoring ? describe : describe.skip;

test('the exporter writes the text exposition format', () => {
  const series = new Map([
    ['error_ratio', new Map([['{service="a\\"b"}', 0.09]])],
    ['up_ish', new Map([['', NaN]])],
  ]);
  expect(exposition(series)).toBe(
    '# TYPE error_ratio gauge\nerror_ratio{service="a\\"b"} 0.09\n# TYPE up_ish gauge\nup_ish NaN\n',
  );
});

describeWithMonitoring('Prometheus, Alertmanager and the exporter', () => {
  test('values are scraped, an exporter stopped means no data, and a rule reaches a webhook', async () => {
    const exporter = await startExporter();
    const hook = await startWebhookReceiver();
    const alertmanager = await startAlertmanager({ webhookUrl: `${hook.url}/alerts`, bearerToken: 'secret' });
    const prometheus = await startPrometheus({
      targets: [exporter.target],
      alertmanagers: [alertmanager.address],
      ruleGroups: [
        {
          name: 'support',
          rules: [{ alert: 'RatioHigh', expr: 'error_ratio > 0.05', for: '1s', labels: { rollout: 'r1' } }],
        },
      ],
    });
    const explain = () => `${prometheus.output().slice(-2000)}\n${alertmanager.output().slice(-2000)}`;
    try {
      exporter.set('error_ratio', 0.01, { service: 'payments' });
      const read = await until(
        'the value scraped',
        async () => {
          const [sample] = await prometheus.query('error_ratio{service="payments"}');
          return sample?.value[1] === '0.01' ? sample : undefined;
        },
        { explain },
      );
      expect(read.metric).toMatchObject({ job: 'exporter', instance: exporter.target, service: 'payments' });
      expect(exporter.scrapes()).toBeGreaterThan(0);

      exporter.set('error_ratio', 0.09, { service: 'payments' });
      const sent = await until('the alert at the webhook', () => hook.received[0], { explain });
      expect(sent.headers.authorization).toBe('Bearer secret');
      expect(sent.body).toMatchObject({
        version: '4',
        receiver: 'rollout-engine',
        alerts: [
          { status: 'firing', labels: { alertname: 'RatioHigh', rollout: 'r1', service: 'payments' } },
        ],
      });
      expect((await alertmanager.alerts()).map((a) => a.labels.alertname)).toEqual(['RatioHigh']);

      await exporter.stop();
      await until('the target down', async () => (await prometheus.query('up == 0')).length === 1, {
        explain,
      });
      // A failed scrape marks the series stale: an instant query has no data, rather than the last value.
      expect(await prometheus.query('error_ratio')).toEqual([]);
      await exporter.start();
      await until('the series back', async () => (await prometheus.query('error_ratio')).length === 1, {
        explain,
      });
    } finally {
      await prometheus.stop();
      await alertmanager.stop();
      await exporter.stop();
      await hook.close();
    }
    // Stopped means gone: their folders removed.
    expect(existsSync(prometheus.dir)).toBe(false);
    expect(existsSync(alertmanager.dir)).toBe(false);
  });
});
