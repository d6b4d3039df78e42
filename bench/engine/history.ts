import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { loadAdaptersConfig } from '../../activities';
import { readCatalogueFile } from '../../libs/config/src';
import { registerRolloutSearchAttributes } from '../../libs/temporal/src';
import { durationToMillis, type RolloutPlan } from '../../libs/plan/src';
import { describeMetricProblems, planMetricProblems } from '../../workflows/engine/catalogue';
import {
  awaitPhaseUpdate,
  completeReviewUpdate,
  engineStateQuery,
  itemActionUpdate,
  phaseStateQuery,
  phaseWorkflowId,
  rolloutWorkflowId,
  signOffUpdate,
  type EngineState,
} from '../../workflows/engine/messages';
import { startDevServer } from './dev-server';
import { startPrometheusEndpoint } from './prometheus-endpoint';
import type { FakeAdapters } from './support';
import { createWorkerContext, enteredPhase, ops, progress, rm, sleep, validated, within } from './support';

// Part 2: the seed run to the end of its month-3 review on a Temporal dev server, its time scaled (soaks,
// check-ins, reviews by the `timeScale` parameter; guardrail windows and the metric cadence by the same
// factor here), guardrails read from a Prometheus-compatible endpoint in this process through the worker's
// PROMETHEUS_URL and METRIC_CATALOGUE, then every run it left behind read back and its events counted.
//
// Why not the time-skipping server: it cannot skip time while an activity runs, and the guardrail watcher is
// one activity that runs for the whole phase. Scaling the plan keeps every plan-minute's reading real: the
// endpoint counts the queries it served, to compare with the readings the plan's time implies.

const taskQueue = 'bench-history';
const DAY = 86_400_000;
/** Real time an Update may take before the run is declared stuck. */
const UPDATE_TIMEOUT_MS = 120_000;
type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/** The bench's catalogue: how each of the seed's guardrail metrics is read, in the units exporters use. */
export const BENCH_CATALOGUE = {
  metrics: {
    error_rate: {
      query: 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
      unit: 'ratio',
    },
    payment_success_rate: {
      query: '100 * sum(rate(payments_total{outcome="success"}[5m])) / sum(rate(payments_total[5m]))',
      unit: 'percent',
    },
    queue_backlog: { query: 'max(queue_backlog_messages)', unit: 'count' },
  },
};

/** Healthy throughout: 1 % errors (as a ratio), 99.5 % payments succeeding, 10 messages queued. */
const HEALTHY: Record<string, number> = {
  [BENCH_CATALOGUE.metrics.error_rate.query]: 0.01,
  [BENCH_CATALOGUE.metrics.payment_success_rate.query]: 99.5,
  [BENCH_CATALOGUE.metrics.queue_backlog.query]: 10,
};

export interface RunLength {
  workflowId: string;
  runId: string;
  events: number;
}

export interface PhaseSpan {
  id: string;
  /** Real ms the phase was live (entered → completed). */
  liveMs: number;
  /**
   * Distinct reading times served within the phase's live span (entered..completed), summed over the
   * metrics; the wait from entry to the first of them; the longest gap between two in a row (one cadence:
   * none skipped).
   */
  readingsInside: number;
  firstReadingAfterMs: number;
  longestGapMs: number;
}

export interface HistoryFigures {
  runs: RunLength[];
  phases: PhaseSpan[];
  /** Plan-time days from the start to the last review (real time / timeScale). */
  planDays: number;
  elapsedMs: number;
  /** Plan ms per real ms is 1 / timeScale. */
  timeScale: number;
  /** Plan cadence (ms of plan time) and the real one the rollout was given. */
  planCadenceMs: number;
  cadenceMs: number;
  /** Metrics each reading queries (one query each). */
  metrics: number;
  /** Queries the endpoint served during the run, and the readings the plan's time implies. */
  queries: number;
  /** HTTP requests that served them (instant queries, and range queries for readings taken late). */
  requests: number;
  rangeRequests: number;
  queriesPerQuery: Record<string, number>;
  impliedQueries: number;
}

export interface HistoryOptions {
  timeScale: number;
  planCadenceMs: number;
}

/** The seed, its guardrail windows scaled as its soaks are (the `timeScale` parameter does the soaks). */
export function scaledSeed(seed: RolloutPlan, timeScale: number): RolloutPlan {
  return validated({
    ...seed,
    metadata: { ...seed.metadata, name: 'bench-history' },
    guardrails: seed.guardrails.map((g) => {
      if (!g.window) return g;
      const ms = (durationToMillis(g.window) ?? 0) * timeScale;
      return { ...g, window: `PT${(ms / 1000).toFixed(3)}S` };
    }),
  });
}

export async function historyRun(
  bundle: WorkflowBundle,
  fake: FakeAdapters,
  seed: RolloutPlan,
  options: HistoryOptions,
): Promise<HistoryFigures> {
  const started = Date.now();
  const { timeScale, planCadenceMs } = options;
  // Whole milliseconds, as the watcher reads (Prometheus takes times and steps in milliseconds).
  const cadenceMs = Math.max(1, Math.round(planCadenceMs * timeScale));
  const plan = scaledSeed(seed, timeScale);
  const dir = mkdtempSync(join(tmpdir(), 'rollouts-bench-history-'));
  const catalogueFile = join(dir, 'metric-catalogue.json');
  writeFileSync(catalogueFile, JSON.stringify(BENCH_CATALOGUE, null, 2));
  const endpoint = await startPrometheusEndpoint((query) => HEALTHY[query] ?? null);
  // The worker's configuration as its environment gives it: PROMETHEUS_URL and METRIC_CATALOGUE at the
  // endpoint and the catalogue file, notifications and rollback hooks at the fake adapters.
  const adapters = loadAdaptersConfig({
    PROMETHEUS_URL: endpoint.url,
    METRIC_CATALOGUE: catalogueFile,
    NOTIFY_WEBHOOK_URL: fake.config.notifyDefaultUrl,
    HOOK_URLS: JSON.stringify(fake.config.hookUrls),
  });
  const problems = describeMetricProblems(
    planMetricProblems(plan, readCatalogueFile(catalogueFile)),
    adapters.catalogue,
  );
  if (problems.length) throw new Error(`the bench catalogue does not fit the seed:\n${problems.join('\n')}`);

  progress('starting the Temporal dev server');
  const env = await startDevServer();
  const ctx = await createWorkerContext(adapters);
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let ticker: NodeJS.Timeout | undefined;
  try {
    await registerRolloutSearchAttributes(env.connection, 'default');
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: ctx.activities,
    });
    running = worker.run();
    const rolloutId = 'bench-history';
    const handle = await env.client.workflow.start('planRolloutWorkflow', {
      workflowId: rolloutWorkflowId(rolloutId),
      taskQueue,
      args: [
        {
          rolloutId,
          plan,
          startedBy: rm.id,
          parameters: { timeScale, metrics: { source: 'prometheus', cadenceMs } },
        },
      ],
    });
    const t0 = Date.now();
    const planDay = () => (Date.now() - t0) / timeScale / DAY;
    ticker = setInterval(() => {
      void handle.query(engineStateQuery).then(
        (s) =>
          progress(
            `  plan day ${planDay().toFixed(1)}: ${s.status} ${s.currentPhaseId ?? ''}, ` +
              `${endpoint.served()} queries served, ${((Date.now() - started) / 1000).toFixed(0)} s`,
          ),
        () => undefined,
      );
    }, 10_000);

    let after: string | undefined;
    for (const phase of plan.phases) {
      await within(UPDATE_TIMEOUT_MS, `phase ${phase.id} entered`, enteredPhase(handle, phase.id, after));
      after = phase.id;
      progress(`phase ${phase.id} entered on plan day ${planDay().toFixed(1)}`);
      await drivePhase(env.client, rolloutId, phase);
    }
    // Past its last phase the rollout is in review: awaitPhase answers then (no polling).
    const state = await within(
      UPDATE_TIMEOUT_MS,
      'the reviews',
      handle.executeUpdate(awaitPhaseUpdate, { args: [{ after }] }),
    );
    if (state.status !== 'IN_REVIEW')
      throw new Error(`rollout ${rolloutId} is ${state.status}, not IN_REVIEW, after its last phase`);
    progress(`in review from plan day ${planDay().toFixed(1)}`);
    for (const review of state.reviews) {
      await sleep(Math.max(0, (review.dueAt ?? 0) - Date.now()));
      await retryRefused(`review ${review.id}`, () =>
        handle.executeUpdate(completeReviewUpdate, {
          args: [{ actor: rm, reviewId: review.id, note: 'ok' }],
        }),
      );
      progress(`review ${review.id} completed on plan day ${planDay().toFixed(1)}`);
    }
    const final = (await within(UPDATE_TIMEOUT_MS, 'the result', handle.result())) as EngineState;
    if (final.status !== 'COMPLETED')
      throw new Error(`rollout ${rolloutId} ended ${final.status}, not COMPLETED`);
    const planDays = planDay();
    const queries = endpoint.served();
    clearInterval(ticker);
    const phases = final.phases.map((p) => {
      const [from, to] = [p.enteredAt ?? 0, p.completedAt ?? 0];
      let readingsInside = 0;
      let firstReadingAfterMs = 0;
      let longestGapMs = 0;
      for (const served of endpoint.timesPerQuery().values()) {
        const inside = [...new Set(served.filter((t) => t >= from && t <= to))].sort((a, b) => a - b);
        readingsInside += inside.length;
        firstReadingAfterMs = Math.max(firstReadingAfterMs, (inside[0] ?? to) - from);
        for (let i = 1; i < inside.length; i++)
          longestGapMs = Math.max(longestGapMs, inside[i] - inside[i - 1]);
        longestGapMs = Math.max(longestGapMs, to - (inside[inside.length - 1] ?? from));
      }
      return { id: p.id, liveMs: to - from, readingsInside, firstReadingAfterMs, longestGapMs };
    });
    const metrics = new Set(plan.guardrails.map((g) => g.metric)).size;
    progress(`completed on plan day ${planDays.toFixed(1)}; reading every run's history`);
    return {
      runs: await everyRun(env.client, handle.workflowId, handle.firstExecutionRunId),
      phases,
      planDays,
      elapsedMs: Date.now() - started,
      timeScale,
      planCadenceMs,
      cadenceMs,
      metrics,
      queries,
      requests: endpoint.requests(),
      rangeRequests: endpoint.rangeRequests(),
      queriesPerQuery: endpoint.servedPerQuery(),
      // A reading at entry, then one each cadence while the phase is live, one query per metric.
      impliedQueries: phases.reduce((n, p) => n + (Math.floor(p.liveMs / cadenceMs) + 1) * metrics, 0),
    };
  } finally {
    clearInterval(ticker);
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await ctx.close();
    await env.teardown();
    await endpoint.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A refusal right at a due time (the client's clock a hair ahead of the workflow's) is tried again. */
async function retryRefused<T>(what: string, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await within(UPDATE_TIMEOUT_MS, what, call());
    } catch (err) {
      if (!(err instanceof WorkflowUpdateFailedError) || attempt >= 100) throw err;
      if (attempt === 50) progress(`  ${what} still refused: ${err.cause?.message ?? err.message}`);
      await sleep(20);
    }
  }
}

/** Completes a phase's items, waits out its (scaled) soak and signs its gate as soon as it may be signed. */
async function drivePhase(
  client: Client,
  rolloutId: string,
  phase: RolloutPlan['phases'][number],
): Promise<void> {
  const child = client.workflow.getHandle(phaseWorkflowId(rolloutId, phase.id));
  for (const item of phase.checklist)
    await retryRefused(`item ${item.id}`, () =>
      child.executeUpdate(itemActionUpdate, {
        args: [{ type: 'complete', itemId: item.id, actor: ops }],
      }),
    );
  const { minUntil } = await child.query(phaseStateQuery);
  if (minUntil) await sleep(Math.max(0, minUntil - Date.now()));
  await retryRefused(`sign-off of ${phase.id}`, () =>
    child.executeUpdate(signOffUpdate, { args: [{ actor: rm, note: 'go' }] }),
  );
}

/**
 * Every run the rollout left: its own, and for each phase child it started, the first run and every run
 * it continued as new into.
 */
export async function everyRun(client: Client, workflowId: string, firstRunId: string): Promise<RunLength[]> {
  const runs: RunLength[] = [];
  const follow = async (workflowId: string, firstRunId: string, children = false): Promise<void> => {
    for (let runId: string | null | undefined = firstRunId; runId;) {
      const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      const events = history.events ?? [];
      runs.push({ workflowId, runId, events: events.length });
      if (children) {
        for (const event of events) {
          const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
          if (child?.workflowId && child.runId) await follow(child.workflowId, child.runId);
        }
      }
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    }
  };
  await follow(workflowId, firstRunId, true);
  return runs;
}
