import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Exporter,
  findMonitoringBinaries,
  type MonitoringServer,
  startExporter,
  startPrometheus,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../support';
import { parsePlanDocument } from '../../libs/plan/src';
import { itemActionUpdate, type EngineState } from '../../workflows/engine/messages';
import { recordHistory } from '../support/histories';
import { adaptersAt, startStack, type Stack, type StackUser } from '../support/stack';
import { repoRoot } from '../support/temporal-tools';
import { until as waitUntil } from '../support/wait';

// The metric watcher survives its worker: a rollout started through GraphQL with metrics from a real
// Prometheus (scraping an exporter the test controls, through METRIC_CATALOGUE) is watched by one heartbeating
// activity. The worker is SIGKILLed while the watcher runs; a new worker resumes watching (the heartbeat
// timeout is 10 s), and a breach after the restart (a ratio of 0.09 against "> 5% for 20 s") still rolls back.
// A phase that continues as new while its metric breaches keeps its window: the next run's watcher reads it
// again, so the breach comes on time, with readings from before the continue-as-new; the rollback then cancels
// the phase's current run. Its runs are recorded (RECORD_HISTORIES=1) for the replay test.

jest.setTimeout(300_000);

const { prometheus: prometheusBin } = findMonitoringBinaries();
if (!prometheusBin && process.env.REQUIRE_MONITORING === '1')
  throw new Error('REQUIRE_MONITORING=1 but prometheus is not installed');
const describeWithPrometheus = prometheusBin ? describe : describe.skip;

const rita: StackUser = { id: 'rita', roles: ['release-manager'] };

describeWithPrometheus('the metric watcher across a worker crash', () => {
  let stack: Stack;
  let hooks: WebhookReceiver;
  let exporter: Exporter;
  let prometheus: MonitoringServer & { query(q: string): Promise<{ value: [number, string] }[]> };
  const explain = () =>
    [
      `worker:\n${stack?.workerOutput().slice(-4000)}`,
      `Prometheus:\n${prometheus?.output().slice(-1000)}`,
    ].join('\n');
  const until = <T>(what: string, check: () => Promise<T | undefined | false>, ms = 120_000) =>
    waitUntil(what, check, { timeoutMs: ms, explain });
  const read = async (id: string) =>
    (
      await stack.gql<{ rollout: { status: string; currentPhase?: string } }>(
        `query R($id: ID!) { rollout(id: $id) { status currentPhase } }`,
        { id },
      )
    ).data!.rollout;
  /** How many watcher attempts have run in the phase (its pending activity's attempt, 0 when none). */
  const watcherAttempt = async (workflowId: string) => {
    const described = await stack.env.client.workflow.getHandle(workflowId).describe();
    const raw = described.raw.pendingActivities ?? [];
    const watcher = raw.find((a) => a.activityType?.name === 'watchMetrics');
    return watcher
      ? { attempt: watcher.attempt ?? 0, heartbeats: (watcher.heartbeatDetails?.payloads?.length ?? 0) > 0 }
      : undefined;
  };

  beforeAll(async () => {
    hooks = await startWebhookReceiver();
    exporter = await startExporter();
    exporter.set('watch_error_ratio', 0.01, { service: 'payments' });
    exporter.set('watch_payment_success', 0.99, { service: 'payments' });
    exporter.set('watch_queue_depth', 3, { queue: 'webhooks' });
    prometheus = await startPrometheus({ targets: [exporter.target] });
    await until('Prometheus has scraped the exporter', async () => {
      const up = await prometheus.query('watch_error_ratio');
      return up.length === 1 && up[0].value[1] === '0.01';
    });
    stack = await startStack('metric-watcher', {
      // The API checks the metric source and units at start; the worker reads.
      env: { PROMETHEUS_URL: prometheus.url, METRIC_CATALOGUE: catalogue() },
      workerEnv: adaptersAt(hooks.url),
    });
    const yaml = readFileSync(join(repoRoot, 'examples/merchant-platform.plan.yaml'), 'utf8').replace(
      'window: PT5M',
      'window: PT20S',
    );
    await stack.importPlan({ yaml, name: 'watched-platform' }, rita);
  });
  afterAll(async () => {
    await stack?.stop();
    await prometheus?.stop();
    await exporter?.stop();
    await hooks?.close();
  });

  function catalogue(): string {
    const path = join(mkdtempSync(join(tmpdir(), 'watcher-e2e-')), 'metrics.yaml');
    writeFileSync(
      path,
      [
        'metrics:',
        '  error_rate:',
        '    query: max(watch_error_ratio)',
        '    unit: ratio',
        '  payment_success_rate:',
        '    query: min(watch_payment_success)',
        '    unit: ratio',
        '  queue_backlog:',
        '    query: max(watch_queue_depth)',
        '    unit: count',
      ].join('\n'),
    );
    return path;
  }

  test('a worker SIGKILLed while its watcher runs: a new worker resumes, and a later breach rolls back', async () => {
    const id = 'watched';
    const started = await stack.gql(
      `mutation S($input: StartRolloutInput!) { startRollout(input: $input) { id status } }`,
      {
        input: {
          id,
          planVersionId: 'watched-platform@1',
          parameters: { timeScale: 0.001, metrics: { source: 'PROMETHEUS', cadence: '2s' } },
        },
      },
      rita,
    );
    expect(started.errors).toBeUndefined();
    const running = await until('the rollout in its first phase', async () => {
      const r = await read(id);
      return r.status === 'RUNNING' && r.currentPhase ? r : undefined;
    });
    const phaseWorkflowId = `rollout-${id}-phase-${running.currentPhase}`;
    const first = await until('the watcher running', () => watcherAttempt(phaseWorkflowId));
    expect(first.attempt).toBe(1);
    // The watcher has read and heartbeated its state (what a retried attempt resumes from).
    await until('the watcher heartbeating', async () => (await watcherAttempt(phaseWorkflowId))?.heartbeats);

    await stack.killWorker('SIGKILL');
    await stack.startWorker();
    // The heartbeat stops; after its timeout (10 s) Temporal retries the watcher on the new worker.
    const resumed = await until('the watcher retried on the new worker', async () => {
      const w = await watcherAttempt(phaseWorkflowId);
      return w && w.attempt >= 2 ? w : undefined;
    });
    expect(resumed.attempt).toBeGreaterThanOrEqual(2);
    await until('the new worker says it resumed from the heartbeat', () =>
      Promise.resolve(stack.workerOutput().includes('Metric watcher resumes from its heartbeat')),
    );

    exporter.set('watch_error_ratio', 0.09, { service: 'payments' });
    const rolledBack = await until(
      'rolled back after the breach',
      async () => {
        const r = await read(id);
        return ['ROLLING_BACK', 'ROLLED_BACK', 'ROLLBACK_FAILED'].includes(r.status) ? r : undefined;
      },
      180_000,
    );
    expect(rolledBack.status).not.toBe('RUNNING');
    // The breach was the error-rate guardrail's, read from Prometheus as a ratio (0.09 = 9 %).
    const state = await stack.env.client.workflow.getHandle(`rollout-${id}`).query<{
      breaches: { guardrailId: string; value: number | null }[];
    }>('getRolloutState');
    expect(state.breaches.map((b) => [b.guardrailId, b.value])).toEqual([['error-rate', 9]]);
  });

  test('a phase continued as new keeps its window: a breach that began before is found on time', async () => {
    exporter.set('watch_error_ratio', 0.01, { service: 'payments' });
    await until('Prometheus reads 1 % errors again', async () => {
      const v = await prometheus.query('watch_error_ratio');
      return v[0]?.value[1] === '0.01';
    });
    // Started directly (the API does not take `historyLimit`): a phase that continues as new after ~30 events.
    const parsed = parsePlanDocument(
      readFileSync(join(repoRoot, 'examples/merchant-platform.plan.yaml'), 'utf8').replace(
        'window: PT5M',
        'window: PT60S',
      ),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const id = 'continued';
    const rollout = await stack.env.client.workflow.start('planRolloutWorkflow', {
      workflowId: `rollout-${id}`,
      taskQueue: stack.taskQueue,
      args: [
        {
          rolloutId: id,
          plan: { ...parsed.plan, metadata: { ...parsed.plan.metadata, name: 'continued-platform' } },
          startedBy: rita.id,
          parameters: {
            timeScale: 0.001,
            metrics: { source: 'prometheus', cadenceMs: 1_000 },
            historyLimit: 30,
          },
        },
      ],
    });
    const phaseWorkflowId = `rollout-${id}-phase-internal-dogfood`;
    await until('the watcher heartbeating', async () => (await watcherAttempt(phaseWorkflowId))?.heartbeats);
    const phase = stack.env.client.workflow.getHandle(phaseWorkflowId);
    const firstRunId = (await phase.describe()).runId;

    // Errors at 9 % ("> 5% for 60 s" breaches a minute later), then actions that make the phase continue as new.
    exporter.set('watch_error_ratio', 0.09, { service: 'payments' });
    // For some seconds already: the first run's watcher has taken readings of 9 % before it is stopped.
    await until('Prometheus has read 9 % errors for 5 s', async () => {
      const v = await prometheus.query('min_over_time(watch_error_ratio[5s])');
      return v[0]?.value[1] === '0.09';
    });
    for (const itemId of ['deploy-staging-environment', 'monitor-all-metrics-logs']) {
      await phase.executeUpdate(itemActionUpdate, {
        args: [{ type: 'complete', itemId, actor: { id: 'olga', roles: ['operator'] } }],
      });
    }
    const continued = await until('the phase continued as new', async () => {
      const d = await phase.describe();
      return d.runId !== firstRunId ? d : undefined;
    });
    const continuedAt = continued.startTime.getTime();

    const state = await until(
      'the breach',
      async () => {
        const s = await rollout.query<EngineState>('getRolloutState');
        return s.breaches.length ? s : undefined;
      },
      180_000,
    );
    const [breach] = state.breaches;
    expect(breach.guardrailId).toBe('error-rate');
    const times = breach.readings.map((r) => r.at);
    // Judged by the continued run's watcher, over a window that began before it: readings of the first run's
    // time were read again (without them, its window would start empty and the breach come a minute later).
    expect(Math.max(...times)).toBeGreaterThan(continuedAt);
    expect(Math.min(...times)).toBeLessThan(continuedAt);
    expect(breach.readings.every((r) => r.value === 9)).toBe(true);

    // The rollout rolls back, which cancels the phase's current run (not only the run it started, closed by
    // its continue-as-new): its runs are then complete histories.
    const after = await until(
      'rolling back',
      async () => {
        const s = await rollout.query<EngineState>('getRolloutState');
        return ['ROLLING_BACK', 'ROLLED_BACK', 'ROLLBACK_FAILED'].includes(s.status) ? s : undefined;
      },
      240_000,
    ); // the current run is cancelled a minute after the child's own request went nowhere
    expect(after.rollback?.reason).toMatch(/^guardrail error-rate/);
    const closed = await until('the continued phase run closed', async () => {
      const d = await stack.env.client.workflow.getHandle(phaseWorkflowId).describe();
      return d.status.name !== 'RUNNING' ? d : undefined;
    });
    expect(closed.status.name).toBe('CANCELLED');
    // Recorded for the replay test: the first run (continued as new) and the second (its watcher resumed).
    await recordHistory(
      'phase-metric-watcher-continued',
      stack.env.client.workflow.getHandle(phaseWorkflowId, firstRunId),
    );
    await recordHistory(
      'phase-metric-watcher-resumed',
      stack.env.client.workflow.getHandle(phaseWorkflowId, continued.runId),
    );
    // The rollout up to its rollback: a minute later it cancelled the phase's current run (patched 'cancel-current-phase-run-late').
    await recordHistory('plan-rollout-continued-phase-rolled-back', rollout);
  });
});
