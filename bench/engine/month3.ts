import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { registerRolloutSearchAttributes } from '../../libs/temporal/src';
import type { RolloutPlan } from '../../libs/plan/src';
import {
  awaitPhaseUpdate,
  completeReviewUpdate,
  itemActionUpdate,
  phaseStateQuery,
  phaseWorkflowId,
  rolloutWorkflowId,
  signOffUpdate,
  type EngineState,
} from '../../workflows/engine/messages';
import type { FakeAdapters } from './support';
import { createWorkerContext, enteredPhase, ops, progress, rm, temporalTools, within } from './support';

// Part 2: the seed run to the end of its month-3 review on the time-skipping test server, guardrails read
// from the fake Prometheus every minute, then the length of every workflow run it left behind.

const taskQueue = 'bench-month3';
const DAY = 86_400_000;
/** How far past a due time (soak end, review due) the client acts, as the engine's own tests do. */
const PAST_DUE_MS = 1000;
/** Real time an Update may take before the run is declared stuck (the server's clock stands still meanwhile). */
const UPDATE_TIMEOUT_MS = 120_000;
type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

export interface RunLength {
  workflowId: string;
  runId: string;
  events: number;
}

export interface Month3Figures {
  runs: RunLength[];
  simulatedDays: number;
  elapsedMs: number;
  metricQueries: number;
  cadenceMs: number;
}

export async function month3Run(
  bundle: WorkflowBundle,
  fake: FakeAdapters,
  plan: RolloutPlan,
  cadenceMs: number,
): Promise<Month3Figures> {
  const started = Date.now();
  progress('starting the time-skipping test server');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTools().testServer } },
  });
  const ctx = await createWorkerContext(fake.config);
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
    const rolloutId = 'bench-month3';
    const queriesBefore = fake.counts.prometheus;
    const handle = await env.client.workflow.start('planRolloutWorkflow', {
      workflowId: rolloutWorkflowId(rolloutId),
      taskQueue,
      args: [
        {
          rolloutId,
          plan,
          startedBy: rm.id,
          parameters: { metrics: { source: 'prometheus', cadenceMs } },
        },
      ],
    });
    const t0 = await env.currentTimeMs();
    const day = async () => ((await env.currentTimeMs()) - t0) / DAY;
    ticker = setInterval(() => {
      void env.currentTimeMs().then(
        (now) =>
          progress(
            `  simulated ${new Date(now).toISOString().slice(0, 16)} (day ${((now - t0) / DAY).toFixed(1)}), ` +
              `${fake.counts.prometheus - queriesBefore} metric queries, ${((Date.now() - started) / 1000).toFixed(0)} s`,
          ),
        () => undefined,
      );
    }, 15_000);

    const update = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
      // A refusal right at a due time is retried once time has moved on a little; a hang is a failure.
      for (let attempt = 0; ; attempt++) {
        try {
          return await within(UPDATE_TIMEOUT_MS, what, call());
        } catch (err) {
          if (!(err instanceof WorkflowUpdateFailedError) || attempt >= 5) throw err;
          progress(`  ${what} refused (${err.cause?.message ?? err.message}); retrying a second later`);
          await env.sleep(1000);
        }
      }
    };

    let after: string | undefined;
    for (const phase of plan.phases) {
      await within(UPDATE_TIMEOUT_MS, `phase ${phase.id} entered`, enteredPhase(handle, phase.id, after));
      after = phase.id;
      progress(`phase ${phase.id} entered on day ${(await day()).toFixed(1)}`);
      const child = env.client.workflow.getHandle(phaseWorkflowId(rolloutId, phase.id));
      for (const item of phase.checklist)
        await update(`item ${item.id}`, () =>
          child.executeUpdate(itemActionUpdate, {
            args: [{ type: 'complete', itemId: item.id, actor: ops }],
          }),
        );
      // Acting exactly when a timer fires trips the test server ("invalid history builder state for
      // action", the workflow task then fails over and over and the Update never returns): act a second later.
      const { minUntil } = await child.query(phaseStateQuery);
      if (minUntil) await env.sleep(Math.max(0, minUntil - (await env.currentTimeMs())) + PAST_DUE_MS);
      await update(`sign-off of ${phase.id}`, () =>
        child.executeUpdate(signOffUpdate, { args: [{ actor: rm, note: 'go' }] }),
      );
    }
    // Past its last phase the rollout is in review: awaitPhase answers then (no polling).
    const state = await within(
      UPDATE_TIMEOUT_MS,
      'the reviews',
      handle.executeUpdate(awaitPhaseUpdate, { args: [{ after }] }),
    );
    if (state.status !== 'IN_REVIEW')
      throw new Error(`rollout ${rolloutId} is ${state.status}, not IN_REVIEW, after its last phase`);
    progress(`in review from day ${(await day()).toFixed(1)}`);
    for (const review of state.reviews) {
      const due = review.dueAt ?? 0;
      await env.sleep(Math.max(0, due - (await env.currentTimeMs())) + PAST_DUE_MS);
      await update(`review ${review.id}`, () =>
        handle.executeUpdate(completeReviewUpdate, {
          args: [{ actor: rm, reviewId: review.id, note: 'ok' }],
        }),
      );
      progress(`review ${review.id} completed on day ${(await day()).toFixed(1)}`);
    }
    const final = (await handle.result()) as EngineState;
    if (final.status !== 'COMPLETED')
      throw new Error(`rollout ${rolloutId} ended ${final.status}, not COMPLETED`);
    const simulatedDays = await day();
    const metricQueries = fake.counts.prometheus - queriesBefore;
    clearInterval(ticker);
    progress(`completed on day ${simulatedDays.toFixed(1)}; reading every run's history`);
    return {
      runs: await everyRun(env, handle.workflowId, handle.firstExecutionRunId),
      simulatedDays,
      elapsedMs: Date.now() - started,
      metricQueries,
      cadenceMs,
    };
  } finally {
    clearInterval(ticker);
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await ctx.close();
    await env.teardown();
  }
}

/**
 * Every run the rollout left: its own, and for each phase child it started, the first run and every run
 * it continued as new into (the test server has no visibility listing, so the chains are followed).
 */
async function everyRun(
  env: TestWorkflowEnvironment,
  workflowId: string,
  firstRunId: string,
): Promise<RunLength[]> {
  const runs: RunLength[] = [];
  const follow = async (workflowId: string, firstRunId: string, children = false): Promise<void> => {
    for (let runId: string | null | undefined = firstRunId; runId;) {
      const history: History = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
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
