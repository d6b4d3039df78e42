import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Exporter,
  findMonitoringBinaries,
  type MonitoringServer,
  startAlertmanager,
  startExporter,
  startPrometheus,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../support';
import { adaptersAt, startStack, type Stack, type StackUser } from '../support/stack';
import { repoRoot } from '../support/temporal-tools';
import { until as waitUntil } from '../support/wait';

// Alert routing against the real thing: a Prometheus (Debian's `prometheus`) scrapes an exporter the test
// controls and evaluates alerting rules; an Alertmanager (Debian's `prometheus-alertmanager`) sends them to
// the API's /alerts/alertmanager with a bearer token, as an SRE would wire it (docs/adapters.md). An alert
// acts only on the rollout its `rollout` label names, or on the live rollouts of its `plan` label; one naming
// neither is refused (422) and audited, and acts on nothing.

jest.setTimeout(240_000);

const { prometheus: prometheusBin, alertmanager: alertmanagerBin } = findMonitoringBinaries();
const haveMonitoring = !!prometheusBin && !!alertmanagerBin;
// CI installs both and sets REQUIRE_MONITORING=1 (.ci/run): there a missing binary fails the suite. Elsewhere
// the suite is skipped, saying why, rather than fail on a package the developer has not installed.
if (!haveMonitoring && process.env.REQUIRE_MONITORING === '1')
  throw new Error('REQUIRE_MONITORING=1 but prometheus or prometheus-alertmanager is not installed');
if (!haveMonitoring)
  console.warn(
    'alertmanager.e2e skipped: Debian packages prometheus and prometheus-alertmanager not installed',
  );
const describeWithMonitoring = haveMonitoring ? describe : describe.skip;

const rita: StackUser = { id: 'rita', roles: ['release-manager'] };
const robot: StackUser = { id: 'alertmanager', roles: ['operator'] };

interface RolloutView {
  status: string;
  plan: string;
  currentPhase?: string;
  rollback?: { level?: string; reason: string; requestedBy: string };
}
interface AuditRow {
  rolloutId: string;
  action: string;
  target: string;
  actor: string;
  outcome: string;
  payloadJson: string;
}

describeWithMonitoring('alerts from a real Prometheus and Alertmanager', () => {
  let stack: Stack;
  let hooks: WebhookReceiver;
  let exporter: Exporter;
  let alertmanager: MonitoringServer & { alerts(): Promise<{ labels: Record<string, string> }[]> };
  let prometheus: MonitoringServer & { query(q: string): Promise<{ value: [number, string] }[]> };

  const explain = () =>
    [
      `API:\n${stack?.apiOutput().slice(-3000)}`,
      `Alertmanager:\n${alertmanager?.output().slice(-3000)}`,
      `Prometheus:\n${prometheus?.output().slice(-1500)}`,
    ].join('\n');
  const until = <T>(what: string, check: () => Promise<T | undefined | false>, ms = 90_000) =>
    waitUntil(what, check, { timeoutMs: ms, explain });

  const read = async (id: string) =>
    (
      await stack.gql<{ rollout: RolloutView }>(
        `query R($id: ID!) { rollout(id: $id) { status plan currentPhase rollback { level reason requestedBy } } }`,
        { id },
      )
    ).data!.rollout;

  const auditRows = async (rolloutId?: string): Promise<AuditRow[]> => {
    const res = await stack.gql<{ auditLog: { edges: { node: AuditRow }[] } }>(
      `query A($id: ID) { auditLog(rolloutId: $id, first: 100) {
        edges { node { rolloutId action target actor outcome payloadJson } } } }`,
      { id: rolloutId },
    );
    return res.data!.auditLog.edges.map((e) => e.node).reverse();
  };

  async function running(id: string, plan: string): Promise<RolloutView> {
    const started = await stack.gql(
      `mutation S($input: StartRolloutInput!) { startRollout(input: $input) { id } }`,
      { input: { id, planVersionId: `${plan}@1`, parameters: { timeScale: 0.001 } } },
      rita,
    );
    expect(started.errors).toBeUndefined();
    return until(`${id} running in its first phase`, async () => {
      const r = await read(id);
      return r.status === 'RUNNING' && r.currentPhase ? r : undefined;
    });
  }

  async function postAlerts(body: unknown, as: StackUser = robot) {
    const res = await fetch(`${stack.apiUrl}/alerts/alertmanager`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await stack.token(as.id, as.roles)}`,
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { alerts?: unknown[]; message?: string } };
  }

  /** How many webhook notifications Alertmanager counts as failed (its own /metrics). */
  const failedNotifications = async () => {
    const text = await (await fetch(`${alertmanager.url}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith('alertmanager_notifications_failed_total{integration="webhook"'));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  /** Alertmanager's webhook body, for alerts posted directly. */
  const alert = (labels: Record<string, string>, status: 'firing' | 'resolved' = 'firing', i = 0) => ({
    status,
    labels: { severity: 'page', ...labels },
    annotations: {},
    startsAt: new Date().toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    fingerprint: `direct-${i}`,
  });
  const batch = (alerts: ReturnType<typeof alert>[]) => ({
    version: '4',
    status: 'firing',
    receiver: 'rollout-engine',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    alerts,
  });

  beforeAll(async () => {
    hooks = await startWebhookReceiver(); // rollback hooks and chat: answers 200
    stack = await startStack('alertmanager', { workerEnv: adaptersAt(hooks.url) });
    for (const name of ['merchant-platform', 'admin-panel']) {
      const markdown = readFileSync(join(repoRoot, `examples/${name}.md`), 'utf8');
      await stack.importPlan({ markdown, name }, rita);
    }
    exporter = await startExporter();
    // Healthy values for every series the rules read, before Prometheus first scrapes.
    exporter.set('payments_error_ratio', 0.01, { service: 'payments' });
    exporter.set('checkout_error_ratio', 0.01, { service: 'checkout' });
    exporter.set('orders_backlog', 10, { service: 'orders' });
    alertmanager = await startAlertmanager({
      webhookUrl: `${stack.apiUrl}/alerts/alertmanager`,
      bearerToken: await stack.token(robot.id, robot.roles),
    });
    prometheus = await startPrometheus({
      targets: [exporter.target],
      alertmanagers: [alertmanager.address],
      ruleGroups: [
        {
          name: 'rollout-guards',
          rules: [
            {
              // Names its rollout: acts on that one only.
              alert: 'PaymentsErrorRate',
              expr: 'payments_error_ratio > 0.05',
              for: '2s',
              labels: { severity: 'page', trigger: 'error-rate', rollout: 'am-target' },
              annotations: { summary: 'payments 5xx ratio {{ $value }}' },
            },
            {
              // Names a plan: acts on that plan's live rollouts.
              alert: 'CheckoutErrorRate',
              expr: 'checkout_error_ratio > 0.05',
              for: '2s',
              labels: { severity: 'page', trigger: 'error-rate', plan: 'merchant-platform' },
            },
            {
              // Names neither: before, it rolled back every active rollout whose plan has the trigger.
              alert: 'OrdersBacklog',
              expr: 'orders_backlog > 1000',
              for: '2s',
              labels: { severity: 'page', trigger: 'queue-backlog' },
            },
          ],
        },
      ],
    });
    await until('Prometheus has scraped the exporter', async () => {
      const up = await prometheus.query('payments_error_ratio');
      return up.length === 1 && up[0].value[1] === '0.01';
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await exporter?.stop();
    await stack?.stop();
    await hooks?.close();
  });

  test('a rule crossing its threshold rolls back the rollout its labels name, and only that one', async () => {
    await running('am-target', 'merchant-platform');
    await running('am-bystander', 'merchant-platform');
    expect(await alertmanager.alerts()).toEqual([]);

    exporter.set('payments_error_ratio', 0.09, { service: 'payments' });
    const rolledBack = await until('am-target rolled back by the alert', async () => {
      const r = await read('am-target');
      return r.status === 'ROLLED_BACK' ? r : undefined;
    });
    expect(rolledBack.rollback).toMatchObject({
      level: 'quick',
      requestedBy: 'alertmanager',
      reason: 'Alertmanager: PaymentsErrorRate firing (guardrail error-rate): payments 5xx ratio 0.09',
    });
    // The API audits the alert once the engine has taken the rollback (which may already have finished).
    const acted = await until('the alert audited on am-target', async () => {
      const rows = (await auditRows('am-target')).filter((r) => r.action.startsWith('alert.'));
      return rows.length ? rows : undefined;
    });
    expect(acted[0]).toMatchObject({
      action: 'alert.rollback',
      target: 'error-rate',
      actor: 'alertmanager',
      outcome: 'accepted',
    });
    expect(JSON.parse(acted[0].payloadJson)).toMatchObject({
      alertname: 'PaymentsErrorRate',
      receiver: 'rollout-engine',
      labels: { rollout: 'am-target', trigger: 'error-rate', service: 'payments' },
    });
    // The other rollout of the same plan was not named: untouched.
    expect((await read('am-bystander')).status).toBe('RUNNING');
    expect((await auditRows('am-bystander')).filter((r) => r.action.startsWith('alert.'))).toEqual([]);

    // Back to healthy: Alertmanager sends the resolution, which is skipped (nothing to undo) and audited.
    exporter.set('payments_error_ratio', 0.01, { service: 'payments' });
    const resolved = await until('the resolved alert audited', async () =>
      (await auditRows('am-target')).find(
        (r) =>
          r.action === 'alert.skipped' &&
          (JSON.parse(r.payloadJson) as { status?: string }).status === 'resolved',
      ),
    );
    expect(JSON.parse(resolved.payloadJson)).toMatchObject({ outcome: 'skipped', reason: 'resolved' });
    expect(stack.apiOutput()).toMatch(
      /alert PaymentsErrorRate \(firing, \w+\) on rollout am-target: rollback/,
    );
  });

  test('an alert naming no rollout or plan is refused (422), audited, and acts on nothing', async () => {
    await running('am-spared', 'merchant-platform');
    const failedBefore = await failedNotifications();

    exporter.set('orders_backlog', 5000, { service: 'orders' });
    // Alertmanager's own attempt: the API answers 422, which Alertmanager counts as a failed notification
    // (and does not retry).
    await until('Alertmanager saw its notification refused', async () =>
      (await failedNotifications()) > failedBefore ? true : undefined,
    );
    const refusal = await until('the refusal audited', async () =>
      (await auditRows()).find(
        (r) => r.action === 'api.POST /alerts/alertmanager' && r.payloadJson.includes('OrdersBacklog'),
      ),
    );
    expect(refusal).toMatchObject({ rolloutId: '-', actor: 'alertmanager', outcome: 'refused' });
    const payload = JSON.parse(refusal.payloadJson) as Record<string, unknown>;
    expect(payload).toMatchObject({ code: 'BAD_USER_INPUT', status: 422, via: 'rest' });
    expect(payload.problems).toEqual([
      expect.stringMatching(/^alerts\.0 \(OrdersBacklog, \w+\): names no rollout or plan$/),
    ]);
    expect(payload.input).toMatchObject({
      receiver: 'rollout-engine',
      refused: [{ labels: { alertname: 'OrdersBacklog', trigger: 'queue-backlog', service: 'orders' } }],
    });
    expect(alertmanager.output()).toMatch(/422/);
    // And logged by the API.
    expect(stack.apiOutput()).toMatch(/alert OrdersBacklog \(firing, \w+\): refused \(unnamed\)/);
    // Its plan has the trigger (queue-backlog: a quick rollback), yet no rollout was touched.
    for (const id of ['am-spared', 'am-bystander']) {
      expect((await read(id)).status).toBe('RUNNING');
      expect((await auditRows(id)).filter((r) => r.action.startsWith('alert.'))).toEqual([]);
    }
    exporter.set('orders_backlog', 10, { service: 'orders' });
  });

  test('an alert naming a plan acts on the live rollouts of that plan, not on those of another plan', async () => {
    await running('am-other-plan', 'admin-panel');
    const live = ['am-bystander', 'am-spared'];
    for (const id of live) expect((await read(id)).status).toBe('RUNNING');

    exporter.set('checkout_error_ratio', 0.2, { service: 'checkout' });
    for (const id of live)
      await until(`${id} rolled back by the plan's alert`, async () =>
        (await read(id)).status === 'ROLLED_BACK' ? true : undefined,
      );
    expect((await read('am-other-plan')).status).toBe('RUNNING');
    expect((await auditRows('am-other-plan')).filter((r) => r.action.startsWith('alert.'))).toEqual([]);
    // am-target had already ended: not a live rollout of the plan, so not even skipped.
    expect((await auditRows('am-target')).filter((r) => r.payloadJson.includes('CheckoutErrorRate'))).toEqual(
      [],
    );
    exporter.set('checkout_error_ratio', 0.01, { service: 'checkout' });
  });

  test('posted directly: a mixed batch answers 422 with every outcome; the named alerts are still handled', async () => {
    await running('am-direct', 'merchant-platform');
    const mixed = await postAlerts(
      batch([
        alert({ alertname: 'queue-backlog' }, 'firing', 0),
        alert({ alertname: 'DiskFull', rollout: 'am-direct' }, 'firing', 1),
        alert({ alertname: 'queue-backlog', rollout: 'am-direct', plan: 'admin-panel' }, 'firing', 2),
        alert({ alertname: 'queue-backlog', rollout: 'no-such-rollout' }, 'firing', 3),
        alert({ alertname: 'queue-backlog', rollout: 'am-target' }, 'firing', 4),
        alert({ alertname: 'queue-backlog', plan: 'no-such-plan' }, 'firing', 5),
        alert({ alertname: 'queue-backlog', rollout: 'am-direct' }, 'firing', 6),
      ]),
    );
    expect(mixed.status).toBe(422);
    expect(mixed.body.message).toBe(
      '1 of 7 alerts name no rollout and no plan (label "rollout" or "plan"): they acted on nothing',
    );
    const results = (
      mixed.body.alerts as { results: { outcome: string; reason?: string; detail: string }[] }[]
    ).map((a) => a.results);
    expect(results.map((rs) => rs.map((r) => `${r.outcome}${r.reason ? `:${r.reason}` : ''}`))).toEqual([
      ['refused:unnamed'],
      ['skipped:unknown-trigger'],
      ['skipped:plan-mismatch'],
      ['skipped:unknown-rollout'],
      ['skipped:ended'],
      ['skipped:no-live-rollout'],
      ['rollback'],
    ]);
    expect(results[2][0].detail).toBe('rollout am-direct runs plan merchant-platform, not admin-panel');
    expect(results[4][0].detail).toBe('rollout am-target has ended (ROLLED_BACK)');
    await until('am-direct rolled back by the named alert', async () =>
      (await read('am-direct')).status === 'ROLLED_BACK' ? true : undefined,
    );
    // Each alert's outcome audited: the refusal once, with the request's; the others as alert.* entries.
    const rows = await auditRows();
    const audited = rows.filter(
      (r) => r.action.startsWith('alert.') && r.payloadJson.includes('"fingerprint":"direct-'),
    );
    expect(audited.map((r) => `${r.rolloutId} ${r.action} ${r.target} ${r.outcome}`)).toEqual([
      'am-direct alert.skipped DiskFull skipped',
      'am-direct alert.skipped queue-backlog skipped',
      '- alert.skipped queue-backlog skipped',
      'am-target alert.skipped queue-backlog skipped',
      '- alert.skipped queue-backlog skipped',
      'am-direct alert.rollback queue-backlog accepted',
    ]);
    const refusal = rows.filter(
      (r) => r.action === 'api.POST /alerts/alertmanager' && r.payloadJson.includes('"direct-0"'),
    );
    expect(refusal).toHaveLength(1);
    expect(JSON.parse(refusal[0].payloadJson)).toMatchObject({
      status: 422,
      problems: ['alerts.0 (queue-backlog, direct-0): names no rollout or plan'],
    });
  });

  test('the engine unreachable: 503 (Alertmanager sends it again), the failure audited and the refusal too', async () => {
    await running('am-down', 'merchant-platform');
    // The rollout's plan is read once (and kept) while the engine answers.
    const first = await postAlerts(
      batch([alert({ alertname: 'DiskFull', rollout: 'am-down' }, 'firing', 0)]),
    );
    expect(first.status).toBe(200);
    await stack.stopTemporal();
    const down = await postAlerts(
      batch([alert({ alertname: 'queue-backlog', rollout: 'am-down' }, 'firing', 1)]),
    );
    expect(down.status).toBe(503);
    expect(down.body.message).toBe('The engine could not be reached for some alerts; send them again');
    const [result] = (down.body.alerts as { results: Record<string, unknown>[] }[])[0].results;
    expect(result).toMatchObject({
      rolloutId: 'am-down',
      triggerId: 'queue-backlog',
      outcome: 'failed',
      reason: 'unreachable',
    });
    const rows = await auditRows('am-down');
    expect(rows.filter((r) => r.action === 'alert.failed')).toEqual([
      expect.objectContaining({ target: 'queue-backlog', outcome: 'failed', actor: 'alertmanager' }),
    ]);
    const refusals = (await auditRows()).filter(
      (r) => r.action === 'api.POST /alerts/alertmanager' && r.payloadJson.includes('"UNAVAILABLE"'),
    );
    expect(refusals).toHaveLength(1);
  });
});
