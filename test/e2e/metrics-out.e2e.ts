import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  findPromtool,
  freePort,
  parseSamples,
  promtoolCheck,
  sampleSum,
  sampleValue,
  type Samples,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../support';
import { adaptersAt, startStack, type Stack, type StackUser } from '../support/stack';
import { repoRoot } from '../support/temporal-tools';
import { until } from '../support/wait';

// Prometheus metrics out (issue 16): the built API's /metrics and the worker's (WORKER_METRICS_PORT, with the
// Temporal SDK core's families merged in) are scraped before and after a seed rollout that a guardrail rolls back
// (a pushed queue_backlog reading over the seed's "Queue backlog > 1000"), with a person's refused rollback and a
// resolved Alertmanager alert on the way. The counters must move by exactly what happened; neither output may
// carry a rollout id or a user id; `promtool check metrics` (Debian's prometheus package) passes on both.

jest.setTimeout(300_000);

const promtool = findPromtool();
if (!promtool && process.env.REQUIRE_MONITORING === '1')
  throw new Error('REQUIRE_MONITORING=1 but promtool (Debian package prometheus) is not installed');
if (!promtool)
  console.warn('metrics-out.e2e: promtool checks skipped (Debian package prometheus not installed)');

/** The first seed document (../shared/seeds beside the worktree; the merchant example where absent). */
const SHARED_SEEDS = join(repoRoot, '..', 'shared', 'seeds');
const seedFile = existsSync(SHARED_SEEDS)
  ? join(SHARED_SEEDS, readdirSync(SHARED_SEEDS).sort()[0])
  : join(repoRoot, 'examples/merchant-platform.md');
const PLAN = 'metrics-seed';
const ROLLOUT = 'metrics-out-1';

const rita: StackUser = { id: 'rita', roles: ['release-manager'] };
const olga: StackUser = { id: 'olga', roles: ['operator'] };
const vera: StackUser = { id: 'vera', roles: ['viewer'] };

const START = `mutation S($input: StartRolloutInput!) { startRollout(input: $input) { id status currentPhase } }`;
const ROLLBACK = `mutation R($input: TriggerRollbackInput!) { triggerRollback(input: $input) { id status } }`;
const STATUS = `query Q($id: ID!) { rollout(id: $id) { status } }`;
const SAMPLE = `mutation P($input: RecordMetricSampleInput!) { recordMetricSample(input: $input) { metric } }`;

let stack: Stack;
let hooks: WebhookReceiver;
let workerMetricsUrl: string;

const scrape = async (url: string): Promise<string> => {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
  return res.text();
};
const apiMetrics = () => scrape(`${stack.apiUrl}/metrics`);
const workerMetrics = () => scrape(workerMetricsUrl);

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  const port = await freePort();
  stack = await startStack('metrics-out', {
    workerEnv: { ...adaptersAt(hooks.url), WORKER_METRICS_PORT: String(port) },
  });
  workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;
});

afterAll(async () => {
  await stack?.stop();
  await hooks?.close();
});

test('both /metrics pass promtool check metrics, and the worker scrape merges the Temporal SDK metrics', async () => {
  // The SDK's families appear once its core has polled (the worker is polling by now).
  const worker = await until('the SDK core metrics in the worker scrape', async () => {
    const text = await workerMetrics();
    return /^temporal_\w+/m.test(text) && text;
  });
  const api = await apiMetrics();
  expect(api).toMatch(/^# TYPE rollout_engine_actions_total counter$/m);
  expect(worker).toMatch(/^# TYPE rollout_engine_phase_entries_total counter$/m);
  expect(worker).toMatch(/^# TYPE temporal_\w+ /m);
  // Each family declared once, though two exporters wrote the worker's scrape.
  const declared = [...worker.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
  expect(declared.length).toBeGreaterThan(10);
  expect(new Set(declared).size).toBe(declared.length);
  if (!promtool) return;
  for (const [what, text] of [
    ['API', api],
    ['worker', worker],
  ] as const) {
    const check = promtoolCheck(promtool, text);
    expect({ what, ...check }).toEqual({ what, ok: true, output: '' });
  }
});

test('a seed rollout rolled back moves the counters by what happened, with no rollout or user id in a label', async () => {
  const beforeApi = parseSamples(await apiMetrics());
  const beforeWorker = parseSamples(await workerMetrics());
  const sdkTasks = (s: Samples) => sampleSum(s, 'temporal_workflow_task_execution_latency_seconds_count');

  const planVersionId = await stack.importPlan(
    { markdown: readFileSync(seedFile, 'utf8'), name: PLAN },
    rita,
  );
  // Scale 1: the first phase's soak holds it there while it is rolled back.
  const started = await stack.gql<{ startRollout: { status: string } }>(
    START,
    { input: { id: ROLLOUT, planVersionId, parameters: { timeScale: 1 } } },
    rita,
  );
  expect(started.errors).toBeUndefined();
  expect(started.data?.startRollout.status).toBe('RUNNING');

  // A viewer may not roll back: refused (FORBIDDEN), nothing changes.
  const refused = await stack.gql(ROLLBACK, { input: { rolloutId: ROLLOUT, reason: 'not mine' } }, vera);
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  // A reading over the seed's plan-wide guardrail "Queue backlog > 1000" (action: quick rollback).
  const pushed = await stack.gql(
    SAMPLE,
    { input: { rolloutId: ROLLOUT, metric: 'queue_backlog', value: 5000 } },
    olga,
  );
  expect(pushed.errors).toBeUndefined();
  await until(
    'the rollout ROLLED_BACK',
    async () =>
      (await stack.gql<{ rollout: { status: string } }>(STATUS, { id: ROLLOUT }, rita)).data?.rollout
        .status === 'ROLLED_BACK',
    { timeoutMs: 120_000, intervalMs: 250, explain: () => stack.workerOutput() },
  );

  // The worker counts from its activities: wait until the rollback's outcome has been written and counted.
  const plan = { plan: PLAN };
  const rolledBackCount = (s: Samples) =>
    sampleValue(s, 'rollout_engine_rollback_duration_seconds_count', { ...plan, outcome: 'ROLLED_BACK' });
  // Notifications: what the worker counts as sent must come to what the receiver got on /notify (each key
  // once). The receiver hears a message before the worker counts it, so both are read until they agree.
  const notifiedKeys = () =>
    new Set(
      hooks.received.filter((r) => r.path.startsWith('/notify')).map((r) => r.headers['idempotency-key']),
    ).size;
  const sentCount = (samples: Samples) =>
    sampleSum(samples, 'rollout_engine_notifications_total', { outcome: 'sent' });
  const workerText = await until(
    'the rollback, and every delivery the receiver got, counted by the worker',
    async () => {
      const text = await workerMetrics();
      const samples = parseSamples(text);
      return rolledBackCount(samples) === 1 && sentCount(samples) === notifiedKeys() && text;
    },
    {
      explain: async () =>
        `received ${notifiedKeys()} keys; the worker counts ${sentCount(parseSamples(await workerMetrics()))} sent`,
    },
  );
  // Alertmanager says the alert is resolved: nothing to undo (skipped), counted by outcome and reason.
  const alert = await fetch(`${stack.apiUrl}/alerts/alertmanager`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await stack.token(olga.id, olga.roles)}`,
    },
    body: JSON.stringify({
      version: '4',
      status: 'resolved',
      receiver: 'rollout-engine',
      alerts: [{ status: 'resolved', labels: { alertname: 'QueueBacklog', rollout: ROLLOUT } }],
    }),
  });
  expect(alert.status).toBe(200);
  const afterWorker = parseSamples(workerText);
  // The rollouts gauge is the projection, read at most every 5 s: asked until it shows the rollback.
  const apiText = await until('the API counting the rollout ROLLED_BACK', async () => {
    const text = await apiMetrics();
    return (
      sampleValue(parseSamples(text), 'rollout_engine_rollouts', { ...plan, status: 'ROLLED_BACK' }) === 1 &&
      text
    );
  });
  const afterApi = parseSamples(apiText);
  const moved = (after: Samples, before: Samples, name: string, labels: Record<string, string>) =>
    sampleValue(after, name, labels) - sampleValue(before, name, labels);

  // API: the gauge from the projection, actions by outcome and code, latency by operation and route.
  expect(sampleValue(beforeApi, 'rollout_engine_rollouts', { ...plan, status: 'ROLLED_BACK' })).toBe(0);
  expect(sampleValue(afterApi, 'rollout_engine_rollouts', { ...plan, status: 'ROLLED_BACK' })).toBe(1);
  const action = (a: string, outcome: string, code: string) =>
    moved(afterApi, beforeApi, 'rollout_engine_actions_total', { action: a, outcome, code });
  expect({
    importPlan: action('importPlan', 'accepted', 'none'),
    startRollout: action('startRollout', 'accepted', 'none'),
    sample: action('recordMetricSample', 'accepted', 'none'),
    rollbackAccepted: action('triggerRollback', 'accepted', 'none'),
    rollbackRefused: action('triggerRollback', 'refused', 'FORBIDDEN'),
  }).toEqual({ importPlan: 1, startRollout: 1, sample: 1, rollbackAccepted: 0, rollbackRefused: 1 });
  expect(
    moved(afterApi, beforeApi, 'rollout_engine_alerts_total', { outcome: 'skipped', reason: 'resolved' }),
  ).toBe(1);
  const graphqlCount = (s: Samples, field: string) =>
    sampleSum(s, 'rollout_engine_graphql_request_duration_seconds_count', { type: 'mutation', field });
  expect(graphqlCount(afterApi, 'triggerRollback') - graphqlCount(beforeApi, 'triggerRollback')).toBe(1);
  const httpCount = (s: Samples, method: string, route: string) =>
    sampleSum(s, 'rollout_engine_http_request_duration_seconds_count', { method, route });
  // importPlan, startRollout, the refusal, the reading, and the status polls: at least five POSTs.
  expect(
    httpCount(afterApi, 'POST', '/graphql') - httpCount(beforeApi, 'POST', '/graphql'),
  ).toBeGreaterThanOrEqual(5);
  expect(
    httpCount(afterApi, 'POST', '/alerts/alertmanager') -
      httpCount(beforeApi, 'POST', '/alerts/alertmanager'),
  ).toBe(1);

  // Worker: one phase entered, one breach, one rollback started and ended ROLLED_BACK, its duration observed.
  const workerMoved = (name: string, labels: Record<string, string>) =>
    moved(afterWorker, beforeWorker, name, labels);
  expect({
    phaseEntries: workerMoved('rollout_engine_phase_entries_total', plan),
    rollbacksStarted: workerMoved('rollout_engine_rollbacks_started_total', plan),
    rolledBack: workerMoved('rollout_engine_rollout_transitions_total', { ...plan, status: 'ROLLED_BACK' }),
    rollingBack: workerMoved('rollout_engine_rollout_transitions_total', { ...plan, status: 'ROLLING_BACK' }),
    rollbackDurations: workerMoved('rollout_engine_rollback_duration_seconds_count', {
      ...plan,
      outcome: 'ROLLED_BACK',
    }),
    breaches: workerMoved('rollout_engine_guardrail_breaches_total', { ...plan, guardrail: 'queue-backlog' }),
  }).toEqual({
    phaseEntries: 1,
    rollbacksStarted: 1,
    rolledBack: 1,
    rollingBack: 1,
    rollbackDurations: 1,
    breaches: 1,
  });
  const seconds = sampleValue(afterWorker, 'rollout_engine_rollback_duration_seconds_sum', {
    ...plan,
    outcome: 'ROLLED_BACK',
  });
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThan(120);
  expect(sentCount(afterWorker)).toBeGreaterThan(0);
  // The SDK core's own metrics moved too (workflow tasks ran).
  expect(sdkTasks(afterWorker)).toBeGreaterThan(sdkTasks(beforeWorker));

  // No rollout id and no user id anywhere in either scrape.
  for (const text of [apiText, workerText]) {
    expect(text).not.toContain(ROLLOUT);
    for (const user of ['rita', 'olga', 'vera']) expect(text).not.toContain(`"${user}"`);
  }
});
