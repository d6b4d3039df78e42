import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  type Exporter,
  findMonitoringBinaries,
  type MonitoringServer,
  startExporter,
  startPrometheus,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../support';
import { adaptersAt, startStack, type Stack, type StackUser } from '../support/stack';
import { repoRoot } from '../support/temporal-tools';
import { until as waitUntil } from '../support/wait';

// Guardrails on real metrics, through the API as the README starts rollouts: a real Prometheus (Debian's
// `prometheus`) scrapes an exporter the test controls; METRIC_CATALOGUE maps the plan's error_rate to the
// exporter's ratio; PROMETHEUS_URL is set for the API and the worker, so a rollout started through GraphQL
// with no metric source reads Prometheus. A ratio of 0.09 against "> 5%" breaches (units convert) and rolls
// back; a metric the catalogue does not map shows NO_DATA and its one escalation message reaches a real HTTP
// receiver; an exporter that stops answering is NO_DATA, never "healthy". Waits are on conditions only.

jest.setTimeout(360_000);

const { prometheus: prometheusBin } = findMonitoringBinaries();
if (!prometheusBin && process.env.REQUIRE_MONITORING === '1')
  throw new Error('REQUIRE_MONITORING=1 but prometheus is not installed');
if (!prometheusBin)
  console.warn('prometheus-guardrails.e2e skipped: Debian package prometheus not installed');
const describeWithPrometheus = prometheusBin ? describe : describe.skip;

const rita: StackUser = { id: 'rita', roles: ['release-manager'] };
const PLAN = 'prom-guarded';
/** The guardrails' cadence, as the rollout asks for it (parameters.metrics.cadence). */
const CADENCE = '2s';

interface GuardrailView {
  id: string;
  metric: string;
  outcome: string;
  value: number | null;
  reason: string;
  breached: boolean;
  latestValue: number | null;
  readings: number;
  noData: { cause: string; detail: string; policy: string } | null;
}
interface RolloutView {
  status: string;
  currentPhase: string | null;
  metrics: { source: string; cadenceSeconds: number } | null;
  guardrails: GuardrailView[];
  breaches: { guardrailId: string; reason: string; value: number | null }[];
  rollback: { reason: string } | null;
}
const ROLLOUT = `query R($id: ID!) { rollout(id: $id) {
  status currentPhase metrics { source cadenceSeconds }
  guardrails { id metric outcome value reason breached latestValue readings noData { cause detail policy } }
  breaches { guardrailId reason value } rollback { reason } } }`;

/** The merchant plan, with guardrails made for the test: "> 5% for 10 seconds", and one on an unmapped metric. */
function testPlan(): string {
  const plan = parse(readFileSync(join(repoRoot, 'examples/merchant-platform.plan.yaml'), 'utf8')) as {
    metadata: { name: string };
    guardrails: unknown[];
  };
  plan.metadata.name = PLAN;
  plan.guardrails = [
    {
      id: 'error-rate',
      title: 'Error rate > 5% for 10 seconds',
      metric: 'error_rate',
      operator: '>',
      threshold: 5,
      unit: '%',
      window: 'PT10S',
      mode: 'sustained',
      action: { type: 'rollback', level: 'quick' },
    },
    {
      id: 'checkout-latency',
      title: 'Checkout latency > 800 ms',
      metric: 'checkout_latency',
      operator: '>',
      threshold: 800,
      unit: 'ms',
      action: { type: 'rollback', level: 'quick' },
    },
  ];
  return stringify(plan);
}

describeWithPrometheus('guardrails read from a real Prometheus, through the API', () => {
  let stack: Stack;
  let receiver: WebhookReceiver;
  let exporter: Exporter;
  let prometheus: MonitoringServer & { query(q: string): Promise<{ value: [number, string] }[]> };
  let dir: string;

  const explain = () =>
    [
      `worker:\n${stack?.workerOutput().slice(-4000)}`,
      `API:\n${stack?.apiOutput().slice(-2000)}`,
      `Prometheus:\n${prometheus?.output().slice(-1000)}`,
    ].join('\n');
  const until = <T>(what: string, check: () => Promise<T | undefined | false>, ms = 150_000) =>
    waitUntil(what, check, { timeoutMs: ms, intervalMs: 500, explain });

  const read = async (id: string): Promise<RolloutView> => {
    const res = await stack.gql<{ rollout: RolloutView }>(ROLLOUT, { id });
    if (!res.data?.rollout) throw new Error(`rollout(${id}): ${JSON.stringify(res.errors)}`);
    return res.data.rollout;
  };
  const guardrail = (r: RolloutView, id: string) => r.guardrails.find((g) => g.id === id);

  /** Starts a rollout as the README does, with only a short cadence asked for (the source is the default). */
  async function start(id: string): Promise<RolloutView> {
    const started = await stack.gql<{ startRollout: { id: string } }>(
      `mutation S($input: StartRolloutInput!) { startRollout(input: $input) { id } }`,
      { input: { id, planVersionId: `${PLAN}@1`, parameters: { metrics: { cadence: CADENCE } } } },
      rita,
    );
    expect(started.errors).toBeUndefined();
    return until(`${id} in its first phase`, async () => {
      const r = await read(id);
      return r.currentPhase && r.status === 'RUNNING' ? r : undefined;
    });
  }

  /** Escalation messages received for a rollout (the escalation channel's webhook). */
  const escalations = (rolloutId: string) =>
    receiver.received.filter(
      (r) =>
        r.path === '/escalation' &&
        (r.body as { rolloutId?: string; channel?: string }).rolloutId === rolloutId,
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prom-guardrails-'));
    exporter = await startExporter();
    exporter.set('app_error_ratio', 0.01, { service: 'payments' });
    prometheus = await startPrometheus({ targets: [exporter.target] });
    await until('Prometheus has scraped the exporter', async () => {
      const [sample] = await prometheus.query('app_error_ratio');
      return sample?.value[1] === '0.01';
    });
    const catalogue = join(dir, 'metrics.yaml');
    // The error rate as the exporter gives it: a ratio (0.09 = 9 %). checkout_latency has no entry.
    writeFileSync(
      catalogue,
      stringify({ metrics: { error_rate: { query: 'max(app_error_ratio)', unit: 'ratio' } } }),
    );
    receiver = await startWebhookReceiver(); // rollback hooks, notifications, escalations: answers 200
    const monitoring = { PROMETHEUS_URL: prometheus.url, METRIC_CATALOGUE: catalogue };
    stack = await startStack('prometheus-guardrails', {
      env: monitoring,
      workerEnv: {
        ...adaptersAt(receiver.url),
        NOTIFY_WEBHOOK_URLS: JSON.stringify({ escalation: `${receiver.url}/escalation` }),
      },
    });
    await stack.importPlan({ yaml: testPlan() }, rita);
  });

  afterAll(async () => {
    await stack?.stop();
    await prometheus?.stop();
    await exporter?.stop();
    await receiver?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('defaults to Prometheus; a 0.09 ratio against "> 5%" breaches and rolls back; unmapped: NO_DATA, escalated', async () => {
    const id = 'prom-breach';
    const started = await start(id);
    expect(started.metrics).toEqual({ source: 'PROMETHEUS', cadenceSeconds: 2 });

    // Healthy first: 0.01 read as 1 %, once the 10-second window is covered.
    const healthy = await until('error-rate OK at 1 %', async () => {
      const g = guardrail(await read(id), 'error-rate');
      return g?.outcome === 'OK' ? g : undefined;
    });
    expect(healthy.value).toBeCloseTo(1, 6);
    expect(healthy.noData).toBeNull();

    // The unmapped metric: NO_DATA, saying why, never OK; and one message to the escalation channel.
    const unmapped = guardrail(await read(id), 'checkout-latency');
    expect(unmapped).toMatchObject({
      outcome: 'NO_DATA',
      breached: false,
      noData: { cause: 'unmapped', policy: 'inconclusive' },
    });
    expect(unmapped?.noData?.detail).toContain('checkout_latency');
    const [escalation] = await until('the no-data escalation at the receiver', () => {
      const sent = escalations(id);
      return Promise.resolve(sent.length ? sent : undefined);
    });
    expect(escalation.body).toMatchObject({ rolloutId: id, channel: 'escalation' });
    expect((escalation.body as { text: string }).text).toMatch(/No data for guardrail .*Checkout latency/);

    // 9 %: above 5 % for the whole window, so the guardrail rolls the rollout back.
    exporter.set('app_error_ratio', 0.09, { service: 'payments' });
    const rolledBack = await until('rolled back by the error-rate guardrail', async () => {
      const r = await read(id);
      return r.status === 'ROLLED_BACK' ? r : undefined;
    });
    expect(rolledBack.breaches).toEqual([
      expect.objectContaining({ guardrailId: 'error-rate', value: expect.closeTo(9, 6) as unknown }),
    ]);
    expect(rolledBack.rollback?.reason).toMatch(/error/i);
    // One escalation per no-data episode, not one per reading.
    expect(escalations(id)).toHaveLength(1);
  });

  test('an exporter that stops answering: NO_DATA, not the last value', async () => {
    exporter.set('app_error_ratio', 0.01, { service: 'payments' });
    await until('Prometheus reads 0.01 again', async () => {
      const [sample] = await prometheus.query('app_error_ratio');
      return sample?.value[1] === '0.01';
    });
    const id = 'prom-silent';
    await start(id);
    await until('error-rate OK', async () => guardrail(await read(id), 'error-rate')?.outcome === 'OK');

    await exporter.stop();
    const silent = await until('error-rate NO_DATA', async () => {
      const g = guardrail(await read(id), 'error-rate');
      return g?.outcome === 'NO_DATA' ? g : undefined;
    });
    expect(silent.noData).toMatchObject({ policy: 'inconclusive' });
    expect(['no-series', 'no-readings']).toContain(silent.noData?.cause);
    const r = await read(id);
    expect(r.status).toBe('RUNNING');
    expect(r.breaches).toEqual([]);
  });
});
