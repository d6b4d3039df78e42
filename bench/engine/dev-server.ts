import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { registerRolloutSearchAttributes } from '../../libs/temporal/src';
import type { RolloutPlan } from '../../libs/plan/src';
import type { ItemAction } from '../../workflows/engine/actions';
import {
  engineStateQuery,
  itemActionUpdate,
  metricReadingSignal,
  phaseStateQuery,
  phaseWorkflowId,
  rolloutWorkflowId,
  signOffUpdate,
  type EngineState,
  type PlanRolloutInput,
} from '../../workflows/engine/messages';
import { floorDoneSignal, floorUpdate } from '../../workflows/floor.workflow';
import type { FakeAdapters } from './support';
import {
  createWorkerContext,
  enteredPhase,
  freePort,
  ops,
  progress,
  rm,
  sleep,
  temporalTools,
  validated,
} from './support';

// Part 1: a real Temporal dev server (the CLI's, in memory, free ports) and an in-process worker running the
// real workflows and activities (SQLite in a temp folder, adapters pointed at the local fake).

const taskQueue = 'bench-engine';

export interface LatencyFigures {
  /** Checklist Updates on the phase workflow, ms. */
  phase: number[];
  /** Updates on the empty floor workflow, ms, taken alternately with the phase ones. */
  floor: number[];
  items: number;
  /** History lengths after the run (the phase must not have continued as new in between). */
  phaseEvents: number;
  floorEvents: number;
}

export interface BreachRun {
  /** Client clock when the breaching sample was signalled. */
  sentAt: number;
  /** Workflow clock: the sample received by the phase, the breach recorded by the rollout. */
  sampleAt: number;
  breachAt: number;
  rollbackStartedAt: number;
  lastCompensationAt: number;
  rollbackFinishedAt: number;
  /** Client clock when the rollout's result (ROLLED_BACK) arrived. */
  resultAt: number;
  compensations: number;
  steps: number;
}

export interface DevServerFigures {
  latency?: LatencyFigures;
  breach: BreachRun[];
}

export async function onDevServer(
  bundle: WorkflowBundle,
  fake: FakeAdapters,
  seed: RolloutPlan,
  options: { samples: number; warmup: number; items: number; breachRuns: number; latency: boolean },
): Promise<DevServerFigures> {
  progress('starting the Temporal dev server');
  const env = await startDevServer();
  const ctx = await createWorkerContext(fake.config);
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  try {
    await registerRolloutSearchAttributes(env.connection, 'default');
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: ctx.activities,
    });
    running = worker.run();
    const latency = options.latency ? await updateLatency(env.client, seed, options) : undefined;
    const breach: BreachRun[] = [];
    for (let i = 0; i < options.breachRuns; i++) {
      breach.push(await breachToCompensation(env.client, seed, `bench-breach-${i}`));
      progress(`breach run ${i + 1}/${options.breachRuns} rolled back`);
    }
    return { latency, breach };
  } finally {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await ctx.close();
    await env.teardown();
  }
}

export interface DevServer {
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  teardown(): Promise<void>;
}

/**
 * The CLI's dev server (in memory, free port), started here rather than by `TestWorkflowEnvironment.createLocal`,
 * whose server inherits this process's stdout and would print its banner among the figures: its output goes
 * to stderr.
 */
export async function startDevServer(extraArgs: string[] = []): Promise<DevServer> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const child = spawn(
    temporalTools().cli,
    [
      ...['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port)],
      ...['--namespace', 'default', '--log-level', 'error', '--log-format', 'pretty'],
      ...['--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true'],
      ...extraArgs,
    ],
    { stdio: ['ignore', process.stderr, process.stderr] },
  );
  const exited = once(child, 'exit');
  const stop = async (server: ChildProcess) => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    let connection: Connection | undefined;
    for (let attempt = 0; !connection; attempt++) {
      if (child.exitCode !== null) throw new Error(`the dev server exited (${child.exitCode})`);
      try {
        const candidate = await Connection.connect({ address, connectTimeout: 1000 });
        await candidate.workflowService.describeNamespace({ namespace: 'default' });
        connection = candidate;
      } catch (err) {
        if (attempt >= 120) throw err;
        await sleep(250);
      }
    }
    const nativeConnection = await NativeConnection.connect({ address });
    return {
      client: new Client({ connection, namespace: 'default' }),
      connection,
      nativeConnection,
      teardown: async () => {
        await nativeConnection.close();
        await connection.close();
        await stop(child);
      },
    };
  } catch (err) {
    await stop(child);
    throw err;
  }
}

function startRollout(client: Client, input: PlanRolloutInput): Promise<WorkflowHandle> {
  return client.workflow.start('planRolloutWorkflow', {
    workflowId: rolloutWorkflowId(input.rolloutId),
    taskQueue,
    args: [input],
  });
}

/** The seed, its first phase's checklist grown to `items` manual items (the seed's own first). */
function manyItemsPlan(seed: RolloutPlan, items: number): RolloutPlan {
  const [first, ...rest] = seed.phases;
  const extra = Array.from({ length: Math.max(0, items - first.checklist.length) }, (_, i) => ({
    id: `bench-item-${String(i + 1).padStart(3, '0')}`,
    title: `Bench item ${i + 1}`,
    kind: 'manual' as const,
  }));
  return validated({
    ...seed,
    metadata: { ...seed.metadata, name: 'bench-latency' },
    phases: [{ ...first, checklist: [...first.checklist, ...extra] }, ...rest],
  });
}

/**
 * Median and tail of a checklist Update through the phase workflow against the floor (an Update that does
 * nothing), alternating A/B then B/A so drift and noise hit both alike. Items are completed, then reopened,
 * then completed again…, each call a real state change.
 */
async function updateLatency(
  client: Client,
  seed: RolloutPlan,
  options: { samples: number; warmup: number; items: number },
): Promise<LatencyFigures> {
  const plan = manyItemsPlan(seed, options.items);
  const phase = plan.phases[0];
  const rollout = await startRollout(client, { rolloutId: 'bench-latency', plan, startedBy: rm.id });
  await enteredPhase(rollout, phase.id);
  const child = client.workflow.getHandle(phaseWorkflowId('bench-latency', phase.id));
  const floor = await client.workflow.start('floorWorkflow', {
    workflowId: 'bench-floor',
    taskQueue,
    args: [],
  });

  const itemIds = phase.checklist.map((i) => i.id);
  let k = 0;
  const phaseCall = async (): Promise<number> => {
    const itemId = itemIds[k % itemIds.length];
    const type = Math.floor(k / itemIds.length) % 2 === 0 ? 'complete' : 'reopen';
    k++;
    const action: ItemAction = { type, itemId, actor: ops };
    const start = performance.now();
    const state = await child.executeUpdate(itemActionUpdate, { args: [action] });
    const took = performance.now() - start;
    const status = state.items.find((i) => i.id === itemId)?.status;
    if (status !== (type === 'complete' ? 'DONE' : 'OPEN'))
      throw new Error(`${type} ${itemId} left it ${status ?? 'missing'}`);
    return took;
  };
  let n = 0;
  const floorCall = async (): Promise<number> => {
    const start = performance.now();
    const echoed = await floor.executeUpdate(floorUpdate, { args: [++n] });
    const took = performance.now() - start;
    if (echoed !== n) throw new Error(`floor update answered ${echoed} for ${n}`);
    return took;
  };

  progress(
    `Update latency: ${options.warmup} warm-up + ${options.samples} samples each (${itemIds.length} items)`,
  );
  for (let i = 0; i < options.warmup; i++) {
    await phaseCall();
    await floorCall();
  }
  const figures: LatencyFigures = {
    phase: [],
    floor: [],
    items: itemIds.length,
    phaseEvents: 0,
    floorEvents: 0,
  };
  for (let i = 0; i < options.samples; i++) {
    if (i % 2 === 0) {
      figures.phase.push(await phaseCall());
      figures.floor.push(await floorCall());
    } else {
      figures.floor.push(await floorCall());
      figures.phase.push(await phaseCall());
    }
    if ((i + 1) % 100 === 0) progress(`  ${i + 1}/${options.samples}`);
  }
  figures.phaseEvents = (await child.describe()).historyLength;
  figures.floorEvents = (await floor.describe()).historyLength;
  await floor.signal(floorDoneSignal);
  await floor.result();
  await rollout.terminate('benchmark done');
  return figures;
}

/** Completes a phase's items, waits out its (scaled) soak and signs its gate as soon as it may be signed. */
async function drivePhase(
  client: Client,
  rolloutId: string,
  phase: RolloutPlan['phases'][number],
): Promise<void> {
  const child = client.workflow.getHandle(phaseWorkflowId(rolloutId, phase.id));
  for (const item of phase.checklist)
    await child.executeUpdate(itemActionUpdate, {
      args: [{ type: 'complete', itemId: item.id, actor: ops }],
    });
  const { minUntil } = await child.query(phaseStateQuery);
  if (minUntil) await sleep(Math.max(0, minUntil - Date.now()));
  for (let attempt = 0; ; attempt++) {
    try {
      await child.executeUpdate(signOffUpdate, { args: [{ actor: rm, note: 'go' }] });
      return;
    } catch (err) {
      // The soak may end a hair after the client's clock says so; anything else is a real failure.
      if (!(err instanceof WorkflowUpdateFailedError) || attempt >= 100) throw err;
      await sleep(20);
    }
  }
}

/**
 * One breach, timed: the seed with its error-rate guardrail evaluated on each sample (no window) and soaks
 * scaled down, driven into phase 3 (so phases 2 and 3 have registered flag and message compensations), then
 * one breaching error_rate sample. The rollout rolls back through the fake hooks and returns its state.
 */
async function breachToCompensation(
  client: Client,
  seed: RolloutPlan,
  rolloutId: string,
): Promise<BreachRun> {
  const guardrail = seed.guardrails.find((g) => g.id === 'error-rate');
  if (!guardrail) throw new Error('the seed has no error-rate guardrail');
  const { window: _window, mode: _mode, ...instant } = guardrail;
  const plan = validated({
    ...seed,
    metadata: { ...seed.metadata, name: 'bench-breach' },
    guardrails: [{ ...instant, title: 'Error rate > 5% (each sample)' }],
  });
  const handle = await startRollout(client, {
    rolloutId,
    plan,
    startedBy: rm.id,
    parameters: { timeScale: 1e-6 },
  });
  let after: string | undefined;
  for (const phase of plan.phases.slice(0, 2)) {
    await enteredPhase(handle, phase.id, after);
    await drivePhase(client, rolloutId, phase);
    after = phase.id;
  }
  const target = plan.phases[2];
  await enteredPhase(handle, target.id, after);
  const phase = client.workflow.getHandle(phaseWorkflowId(rolloutId, target.id));
  const sentAt = Date.now();
  await phase.signal(metricReadingSignal, { metric: guardrail.metric, value: guardrail.threshold + 4 });
  // A rolled-back rollout closes Failed (its outcome as the failure's type); its final state stays readable.
  const final = await handle.result().then(
    (result) => result as EngineState,
    () => handle.query(engineStateQuery),
  );
  const resultAt = Date.now();
  const rollback = final.rollback;
  const breach = final.breaches[0];
  if (final.status !== 'ROLLED_BACK' || !rollback?.finishedAt || !breach)
    throw new Error(`rollout ${rolloutId} ended ${final.status}, not ROLLED_BACK after the breach`);
  const compensations = rollback.steps.filter((s) => s.source === 'compensation');
  if (!compensations.length) throw new Error(`rollout ${rolloutId} had no compensation to run`);
  return {
    sentAt,
    sampleAt: breach.readings[0]?.at ?? breach.at,
    breachAt: breach.at,
    rollbackStartedAt: rollback.startedAt,
    lastCompensationAt: Math.max(...compensations.map((s) => s.finishedAt ?? Infinity)),
    rollbackFinishedAt: rollback.finishedAt,
    resultAt,
    compensations: compensations.length,
    steps: rollback.steps.length,
  };
}
