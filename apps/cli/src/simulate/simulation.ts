import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker } from '@temporalio/worker';
import {
  ActivitiesModule,
  createActivities,
  FlagsActivities,
  recordingActivities,
  type RecordedCall,
} from '../../../../activities';
import { durationToMillis, type RolloutPlan } from '../../../../libs/plan/src';
import { PersistenceModule } from '../../../../libs/persistence/src';
import { registerRolloutSearchAttributes } from '../../../../libs/temporal/src';
import { healthyValue } from '../../../../workflows/engine/metric-source';
import {
  hasEnded,
  checkResultSignal,
  completeReviewUpdate,
  confirmManualStepUpdate,
  engineStateQuery,
  itemActionUpdate,
  pauseUpdate,
  phaseStateQuery,
  phaseWorkflowId,
  resumeUpdate,
  abortUpdate,
  rollbackUpdate,
  rolloutWorkflowId,
  signOffUpdate,
  type EngineState,
  type EngineStatus,
  type PlanRolloutInput,
} from '../../../../workflows/engine/messages';
import {
  nextTimeChange,
  onlySignOffLeft,
  waitsOf,
  type Actor,
  type PhaseState,
} from '../../../../workflows/engine/phase';
import { nextStep, type RollbackProgress } from '../../../../workflows/engine/rollback';
import { childPids, childProcesses, killLeftovers } from './child-processes';
import { offsetMs, type Scenario, type ScenarioAction } from './scenario';
import { workflowBundle } from './workflow-bundle';

const TASK_QUEUE = 'simulation';
const DEFAULT_UNTIL_MS = 2 * 365 * 86_400_000;
/** Real time allowed for the workflows to finish what they are doing before the simulation gives up. */
const SETTLE_TIMEOUT_MS = 60_000;
/** Real time a whole simulation may take by default (a normal one takes seconds). */
export const DEFAULT_SIMULATION_TIMEOUT_MS = 300_000;
/**
 * How soon (simulated time) a workflow timer may be due for the driver to let it fire before it acts. A timer
 * fires a little after the moment its workflow computed (the server starts it when the workflow task completes,
 * and while time does not skip the clock runs at real speed), and the time-skipping test server cannot cope with
 * an Update whose workflow task cancels a timer that fired meanwhile: it refuses the task's CancelTimer
 * ("invalid history builder state for action", temporalio/sdk-java#2606, #3088) and never offers the run another
 * task, so the Update never answers. The workflow task timeout (10 s) bounds how late such a timer can be.
 */
const TIMER_MARGIN_MS = 10_000;
/** Real time each clean-up step (worker, test server) may take before it is given up on. */
const CLEANUP_TIMEOUT_MS = 15_000;

/** A simulation that gave up (its wall-clock budget ran out) or was interrupted (a signal): `message` says what it waited for. */
export class SimulationStopped extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'interrupted',
  ) {
    super(message);
    this.name = 'SimulationStopped';
  }
}

/**
 * The simulation's wall-clock budget and its interruption: every wait of the simulation goes through
 * `guard`, which names what is awaited, so a wait that never ends fails with that name instead of hanging.
 */
class Watchdog {
  private waitingFor = 'the simulation to start';
  private readonly stopped: Promise<never>;
  private timer: NodeJS.Timeout | undefined;
  private readonly cleanup: () => void;

  constructor(timeoutMs: number, signal?: AbortSignal) {
    let onAbort = () => undefined as void;
    this.stopped = new Promise<never>((_, reject) => {
      this.timer = setTimeout(
        () =>
          reject(
            new SimulationStopped(
              `gave up after ${timeoutMs / 1000} s of real time, waiting for ${this.waitingFor}`,
              'timeout',
            ),
          ),
        timeoutMs,
      );
      onAbort = () =>
        reject(
          new SimulationStopped(
            `interrupted (${reasonOf(signal)}) while waiting for ${this.waitingFor}`,
            'interrupted',
          ),
        );
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    this.stopped.catch(() => undefined);
    this.cleanup = () => {
      clearTimeout(this.timer);
      signal?.removeEventListener('abort', onAbort);
    };
  }

  /** `work`, unless the budget runs out or the simulation is interrupted first. */
  guard<T>(what: string, work: Promise<T>): Promise<T> {
    this.waitingFor = what;
    return Promise.race([work, this.stopped]);
  }

  dispose(): void {
    this.cleanup();
  }
}

/** "14 d 2 h", "5 min", "30 s": how much simulated time a skip covers. */
function span(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const parts: string[] = [];
  let rest = ms;
  for (const [size, unit] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return parts.join(' ') || `${ms} ms`;
}

function reasonOf(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'aborted';
}

/** `work`, or undefined once `ms` have passed (a clean-up step that hangs must not keep the process). */
async function bounded(ms: number, work: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work().catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

export interface TimelineEntry {
  at: number;
  /** The workflow it happened in (rollout-<id>, rollout-<id>-phase-<phaseId>). */
  workflow: string;
  event: string;
}

export interface SimulationResult {
  plan: string;
  rolloutId: string;
  workflowId: string;
  status: EngineStatus;
  startedAt: number;
  endedAt: number;
  flags: Record<string, unknown>;
  phases: {
    id: string;
    name: string;
    status: string;
    enteredAt?: number;
    completedAt?: number;
    /** The plan's minimum duration, if it has one (ms). */
    minimumMs?: number;
  }[];
  reviews: EngineState['reviews'];
  breaches: EngineState['breaches'];
  rollback: RollbackProgress | null;
  timeline: TimelineEntry[];
  /** What the recording adapters were asked to do, in order. */
  calls: RecordedCall[];
  /** Why the simulation stopped before the rollout ended, if it did. */
  stopped?: string;
  /** Real time the simulation took (ms). */
  elapsedMs: number;
}

export interface SimulationOptions {
  plan: RolloutPlan;
  scenario: Scenario;
  testServerPath: string;
  rolloutId?: string;
  progress?: (line: string) => void;
  /** A rollback rehearsal: request this level as soon as this phase is entered (no level: compensations only). */
  rehearse?: { phase: string; level?: string };
  /** Called with the live environment before it is torn down (tests read histories through it). */
  inspect?: (env: TestWorkflowEnvironment, workflowId: string) => Promise<void>;
  /** Real time the simulation may take before it gives up, naming what it waited for (default 5 min). */
  timeoutMs?: number;
  /** Aborting it (Ctrl-C, SIGTERM) stops the simulation, its worker and its test server. */
  signal?: AbortSignal;
}

/** Simulated people: each holds every role the plan names, so the plan's role checks still run. */
function people(plan: RolloutPlan): Record<'engineer' | 'approver' | 'manager', Actor> {
  const roles = [
    ...new Set([
      'release-manager',
      'operator',
      ...plan.phases.flatMap((p) => p.checklist.flatMap((i) => i.roles ?? [])),
    ]),
  ];
  return {
    engineer: { id: 'sim-engineer', roles },
    approver: { id: 'sim-approver', roles },
    manager: { id: 'sim-release-manager', roles },
  };
}

@Module({})
class SimulationModule {}

/**
 * Runs the real workflows on the time-skipping test server with recording adapters. The driver only ever
 * advances the clock to a moment something can happen (a soak ends, a review falls due, the scenario acts
 * or a metric changes), so months simulate in seconds.
 */
export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const { plan, scenario } = options;
  const progress = options.progress ?? (() => undefined);
  const began = Date.now();
  const rolloutId = options.rolloutId ?? 'simulation';
  const workflowId = rolloutWorkflowId(rolloutId);
  const dir = mkdtempSync(join(tmpdir(), 'rollout-simulation-'));
  const calls: RecordedCall[] = [];
  const timeline: TimelineEntry[] = [];
  const cleanups: (() => Promise<unknown>)[] = [
    () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  ];
  const watchdog = new Watchdog(options.timeoutMs ?? DEFAULT_SIMULATION_TIMEOUT_MS, options.signal);
  const guard = watchdog.guard.bind(watchdog);

  try {
    quietRuntime();
    Logger.overrideLogger(false);
    const app = await guard(
      "the engine's database to open",
      NestFactory.createApplicationContext(
        {
          module: SimulationModule,
          imports: [
            PersistenceModule.forRoot({
              driver: 'sqlite',
              file: join(dir, 'simulation.sqlite'),
              debug: false,
            }),
            ActivitiesModule,
          ],
        },
        { logger: false },
      ),
    );
    cleanups.unshift(() => app.close());
    progress(`starting the time-skipping test server (${Date.now() - began} ms)`);
    // The test server is a child process of this one: whatever happens (an interruption while it starts, a
    // teardown that hangs), it must not outlive the simulation. Ours are the ones started from here on.
    const before = new Set(childPids(process.pid));
    const server = basename(options.testServerPath);
    const starting = TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: options.testServerPath } },
    });
    cleanups.unshift(async () => {
      await bounded(CLEANUP_TIMEOUT_MS, async () => (await starting).teardown());
      killLeftovers(
        childProcesses(process.pid)
          .filter((c) => !before.has(c.pid) && basename(c.command.split(' ')[0]) === server)
          .map((c) => c.pid),
      );
    });
    const env = await guard('the time-skipping test server to start', starting);
    await guard(
      'the test server to register the search attributes',
      registerRolloutSearchAttributes(env.connection, 'default'),
    );
    const worker = await guard(
      'the worker to start',
      (async () =>
        Worker.create({
          connection: env.nativeConnection,
          taskQueue: TASK_QUEUE,
          workflowBundle: await workflowBundle(),
          activities: recordingActivities(createActivities(app), {
            fail: scenario.fail,
            record: (call) => calls.push(call),
          }),
        }))(),
    );
    const running = worker.run();
    cleanups.unshift(() =>
      bounded(CLEANUP_TIMEOUT_MS, async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      }),
    );

    const input: PlanRolloutInput = {
      rolloutId,
      plan,
      startedBy: 'simulation',
      parameters: {
        metrics: {
          source: 'simulated',
          cadenceMs: 60_000,
          scenario: { timelines: scenario.metrics, defaults: healthyDefaults(plan) },
        },
      },
    };
    progress(`simulating ${plan.metadata.name} (${Date.now() - began} ms)`);
    const handle = await guard(
      'the rollout workflow to start',
      env.client.workflow.start('planRolloutWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId,
        args: [input],
        staticSummary: `Simulation of ${plan.metadata.title ?? plan.metadata.name}`,
      }),
    );
    const driver = new Driver(env, handle, plan, scenario, rolloutId, timeline, guard, options.rehearse);
    const stopped = await driver.run();
    const final = await guard("the rollout's final state (query)", handle.query(engineStateQuery));
    await guard('the inspection of the histories', options.inspect?.(env, workflowId) ?? Promise.resolve());
    const flags = await guard('the flag store', app.get(FlagsActivities).currentFlags());
    const endedAt = final.endedAt ?? (await guard("the server's clock", env.currentTimeMs()));
    return {
      plan: plan.metadata.name,
      rolloutId,
      workflowId,
      status: final.status,
      startedAt: final.startedAt,
      endedAt,
      flags,
      phases: final.phases.map((p, i) => ({
        id: p.id,
        name: p.name,
        status: p.status,
        enteredAt: p.enteredAt,
        completedAt: p.completedAt,
        minimumMs: minimumOf(plan, i),
      })),
      reviews: final.reviews,
      breaches: final.breaches,
      rollback: final.rollback ?? null,
      timeline: assemble(final, workflowId, timeline, calls),
      calls,
      stopped,
      elapsedMs: Date.now() - began,
    };
  } finally {
    watchdog.dispose();
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

function minimumOf(plan: RolloutPlan, index: number): number | undefined {
  const min = plan.phases[index]?.duration?.min;
  return min ? durationToMillis(min) : undefined;
}

/** Metrics the scenario leaves alone read a value every guardrail on them is happy with. */
function healthyDefaults(plan: RolloutPlan): Record<string, number> {
  const metrics = [...new Set(plan.guardrails.map((g) => g.metric))];
  return Object.fromEntries(
    metrics.map((m) => [m, healthyValue(plan.guardrails.filter((g) => g.metric === m))]),
  );
}

/** The SDK logs to the console at INFO; a CLI wants only what went wrong. */
function quietRuntime(): void {
  try {
    Runtime.install({
      // The CLI handles SIGINT/SIGTERM itself (stops the worker and the test server, then exits); the
      // Runtime's default would only shut the worker down and leave the process waiting on the server.
      shutdownSignals: [],
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
    });
  } catch {
    // Already installed (a second simulation in one process): keep it.
  }
}

/** Engine transitions, people's actions and adapter calls, in time order (ties: engine, people, adapters). */
function assemble(
  final: EngineState,
  workflowId: string,
  actions: TimelineEntry[],
  calls: RecordedCall[],
): TimelineEntry[] {
  const entries: (TimelineEntry & { rank: number })[] = [
    ...final.events.map((e) => ({ at: e.at, workflow: workflowId, event: e.what, rank: 0 })),
    ...final.phases.flatMap((p) =>
      p.completedAt === undefined
        ? []
        : [
            {
              at: p.completedAt,
              workflow: phaseWorkflowId(final.rolloutId, p.id),
              event: `phase ${p.name} done`,
              rank: 0,
            },
          ],
    ),
    ...actions.map((a) => ({ ...a, rank: 1 })),
    ...calls.map((c) => ({
      at: c.at,
      workflow: c.workflowId,
      event: `${c.ok ? '' : 'FAILED '}${c.what}`,
      rank: 2,
    })),
  ];
  return entries
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => a.at - b.at || a.rank - b.rank || a.i - b.i)
    .map(({ at, workflow, event }) => ({ at, workflow, event }));
}

/** Acts for the people of the scenario, and for everyone else as soon as they may. */
class Driver {
  private readonly crew: ReturnType<typeof people>;
  private readonly actions: (ScenarioAction & { atMs: number; done: boolean })[];
  private readonly scripted = new Set<string>();
  private readonly attempted = new Set<string>();
  private readonly probed = new Set<string>();
  private readonly metricTimes: number[];
  private startedAt = 0;

  constructor(
    private readonly env: TestWorkflowEnvironment,
    private readonly handle: WorkflowHandle,
    private readonly plan: RolloutPlan,
    private readonly scenario: Scenario,
    private readonly rolloutId: string,
    private readonly timeline: TimelineEntry[],
    private readonly guard: Watchdog['guard'],
    private readonly rehearse?: SimulationOptions['rehearse'],
  ) {
    this.crew = people(plan);
    this.actions = scenario.actions
      .map((a) => ({ ...a, atMs: offsetMs(a.at), done: false }))
      .sort((a, b) => a.atMs - b.atMs);
    for (const a of scenario.actions) {
      if ('item' in a) this.scripted.add(`${a.do === 'check' ? 'check' : 'item'}:${a.phase}/${a.item}`);
      if (a.do === 'approve') this.scripted.add(`approve:${a.phase}/${a.item}`);
      if (a.do === 'sign-off') this.scripted.add(`gate:${a.phase}`);
      if (a.do === 'complete-review') this.scripted.add(`review:${a.review}`);
      if (a.do === 'confirm-step') this.scripted.add(`step:${a.step}`);
    }
    const windows = [
      0,
      ...plan.guardrails.flatMap((g) => (g.window ? [durationToMillis(g.window) ?? 0] : [])),
    ];
    this.metricTimes = Object.values(scenario.metrics).flatMap((points) =>
      points.flatMap((p) => windows.map((w) => offsetMs(p.at) + w)),
    );
  }

  /** Drives the rollout until it ends; returns why it stopped early, if it did. */
  async run(): Promise<string | undefined> {
    const until = this.scenario.until ? offsetMs(this.scenario.until) : DEFAULT_UNTIL_MS;
    let idle = 0;
    for (;;) {
      await this.settle();
      const now = await this.guard("the server's clock", this.env.currentTimeMs());
      const state = await this.guard("the rollout's state (query)", this.handle.query(engineStateQuery));
      this.startedAt = state.startedAt;
      // ROLLBACK_FAILED keeps the workflow open for a person; a simulation has none: it stops there.
      if (hasEnded(state.status) || state.status === 'ROLLBACK_FAILED') return undefined;
      if (now - state.startedAt >= until) return `the scenario ends at ${this.scenario.until ?? 'P2Y'}`;
      const phase = await this.currentPhase(state);
      if ((await this.scripts(now)) || (await this.defaults(state, phase, now))) {
        idle = 0;
        continue;
      }
      const next = this.nextMoment(state, phase, now, until);
      if (next === undefined) {
        // Nothing known is due; give work that has only just been scheduled a moment to show up.
        if (++idle < 20) {
          await new Promise((r) => setTimeout(r, 25));
          continue;
        }
        return waitingFor(state, phase, now);
      }
      idle = 0;
      await this.guard(
        `the test server to skip ${span(next - now)} of simulated time to ${new Date(next).toISOString()} (${state.status}, phase ${state.currentPhaseId ?? '-'})`,
        this.env.sleep(next - now),
      );
    }
  }

  /**
   * Waits (in real time) until no workflow task, activity, child start or signal is outstanding, seen twice
   * in a row: work that one task schedules can take a moment to show in the history. A timer due now or within
   * TIMER_MARGIN_MS is outstanding work too: the clock is moved to it and it fires before anyone acts, so no
   * Update's workflow task ever races a timer (see TIMER_MARGIN_MS).
   */
  private async settle(): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (let quiet = 0; quiet < 2;) {
      const now = await this.guard("the server's clock", this.env.currentTimeMs());
      const busy = await this.guard("the workflows' histories", this.busy(this.handle.workflowId, now));
      quiet = busy ? 0 : quiet + 1;
      if (busy && Date.now() > deadline) throw new Error(`the workflows did not settle: ${busy.what}`);
      if (busy?.timerAt !== undefined && busy.timerAt > now) {
        await this.guard(
          `the test server to skip ${span(busy.timerAt - now)} to a timer (${busy.what})`,
          this.env.sleep(busy.timerAt - now),
        );
      } else await new Promise((r) => setTimeout(r, busy ? 5 : 15));
    }
  }

  /** What a workflow (or a running child of it) still has under way, from its history. */
  private async busy(
    workflowId: string,
    now: number,
  ): Promise<{ what: string; timerAt?: number } | undefined> {
    const history = await this.env.client.workflow.getHandle(workflowId).fetchHistory();
    const found = outstanding(history.events ?? []);
    if (found.work) return { what: `${workflowId} ${found.work}` };
    const timerAt = found.timers.find((at) => at <= now + TIMER_MARGIN_MS);
    if (timerAt !== undefined)
      return { what: `${workflowId} has a timer due at ${new Date(timerAt).toISOString()}`, timerAt };
    for (const child of found.runningChildren) {
      const busy = await this.busy(child, now);
      if (busy) return busy;
    }
    return undefined;
  }

  private async currentPhase(state: EngineState): Promise<PhaseState | undefined> {
    const summary = state.phases.find((p) => p.id === state.currentPhaseId && p.status === 'RUNNING');
    if (!summary) return undefined;
    return this.guard(
      `phase ${summary.id}'s state (query)`,
      this.phaseHandle(summary.id)
        .query(phaseStateQuery)
        .catch(() => undefined),
    );
  }

  private phaseHandle(phaseId: string): WorkflowHandle {
    return this.env.client.workflow.getHandle(phaseWorkflowId(this.rolloutId, phaseId));
  }

  /**
   * Runs the first of the scenario's actions that are due; true when one ran. One at a time: the workflows
   * settle (and timers due meanwhile fire) between two actions.
   */
  private async scripts(now: number): Promise<boolean> {
    const action = this.actions.find((a) => !a.done && this.startedAt + a.atMs <= now);
    if (!action) return false;
    action.done = true;
    await this.perform(action, now);
    return true;
  }

  private actor(a: { by?: string; roles?: string[] }, fallback: Actor): Actor {
    return a.by
      ? { id: a.by, roles: a.roles ?? fallback.roles }
      : { ...fallback, roles: a.roles ?? fallback.roles };
  }

  private async perform(a: ScenarioAction, now: number): Promise<void> {
    const { engineer, approver, manager } = this.crew;
    switch (a.do) {
      case 'complete':
      case 'reopen':
      case 'approve':
      case 'skip': {
        const actor = this.actor(a, a.do === 'approve' ? approver : a.do === 'skip' ? manager : engineer);
        const action =
          a.do === 'skip'
            ? { type: a.do, itemId: a.item, actor, justification: a.justification }
            : {
                type: a.do,
                itemId: a.item,
                actor,
                note: a.note,
                ...(a.do === 'complete' ? { evidence: a.evidence } : {}),
              };
        await this.act(
          now,
          phaseWorkflowId(this.rolloutId, a.phase),
          `${actor.id}: ${a.do} item ${a.item}`,
          () => this.phaseHandle(a.phase).executeUpdate(itemActionUpdate, { args: [action] }),
        );
        return;
      }
      case 'check':
        await this.probe(now, a.phase, a.item, a.healthy);
        return;
      case 'sign-off': {
        const actor = this.actor(a, manager);
        await this.act(now, phaseWorkflowId(this.rolloutId, a.phase), `${actor.id}: sign the gate`, () =>
          this.phaseHandle(a.phase).executeUpdate(signOffUpdate, { args: [{ actor, note: a.note }] }),
        );
        return;
      }
      case 'pause':
      case 'resume': {
        const actor = this.actor(a, manager);
        const update = a.do === 'pause' ? pauseUpdate : resumeUpdate;
        await this.act(now, this.handle.workflowId, `${actor.id}: ${a.do}`, () =>
          this.handle.executeUpdate(update, {
            args: [a.do === 'pause' ? { actor, reason: a.reason } : { actor }],
          }),
        );
        return;
      }
      case 'rollback': {
        const actor = this.actor(a, manager);
        await this.act(
          now,
          this.handle.workflowId,
          `${actor.id}: roll back (${a.level ?? 'first level'}): ${a.reason}`,
          () =>
            this.handle.startUpdate(rollbackUpdate, {
              args: [{ actor, level: a.level, reason: a.reason }],
              waitForStage: 'ACCEPTED',
            }),
        );
        return;
      }
      case 'abort': {
        const actor = this.actor(a, manager);
        await this.act(now, this.handle.workflowId, `${actor.id}: abort: ${a.reason}`, () =>
          this.handle.startUpdate(abortUpdate, {
            args: [{ actor, reason: a.reason }],
            waitForStage: 'ACCEPTED',
          }),
        );
        return;
      }
      case 'complete-review': {
        const actor = this.actor(a, manager);
        await this.act(now, this.handle.workflowId, `${actor.id}: complete review ${a.review}`, () =>
          this.handle.executeUpdate(completeReviewUpdate, {
            args: [{ actor, reviewId: a.review, note: a.note }],
          }),
        );
        return;
      }
      case 'confirm-step': {
        const actor = this.actor(a, manager);
        await this.act(now, this.handle.workflowId, `${actor.id}: confirm rollback step ${a.step}`, () =>
          this.handle.executeUpdate(confirmManualStepUpdate, { args: [{ actor, stepId: a.step }] }),
        );
      }
    }
  }

  /** Sends an Update and records the outcome; a refusal is part of the story, not an error. */
  private async act(
    now: number,
    workflow: string,
    what: string,
    send: () => Promise<unknown>,
  ): Promise<boolean> {
    try {
      await this.guard(`an answer to "${what}"`, send());
      this.timeline.push({ at: now, workflow, event: what });
      return true;
    } catch (err) {
      if (!(err instanceof WorkflowUpdateFailedError)) throw err;
      const reason = err.cause?.message ?? err.message;
      this.timeline.push({ at: now, workflow, event: `REFUSED ${what}: ${reason}` });
      return false;
    }
  }

  private async probe(now: number, phaseId: string, itemId: string, healthy: boolean): Promise<void> {
    await this.guard(
      `the check result for ${phaseId}/${itemId} to be sent`,
      this.phaseHandle(phaseId).signal(checkResultSignal, { itemId, healthy }),
    );
    this.timeline.push({
      at: now,
      workflow: phaseWorkflowId(this.rolloutId, phaseId),
      event: `check ${itemId}: ${healthy ? 'healthy' : 'FAILING'}`,
    });
  }

  /** What nobody scripted happens as soon as it may; true when something was done. */
  private async defaults(state: EngineState, phase: PhaseState | undefined, now: number): Promise<boolean> {
    const { engineer, approver, manager } = this.crew;
    const once = (key: string) =>
      !this.scripted.has(key) && !this.attempted.has(key) && this.attempted.add(key);
    if (state.status === 'ROLLING_BACK' && state.rollback) {
      const step = nextStep(state.rollback);
      if (step?.source === 'level' && step.action.type === 'manual' && once(`step:${step.id}`)) {
        return this.act(now, this.handle.workflowId, `${manager.id}: confirm rollback step ${step.id}`, () =>
          this.handle.executeUpdate(confirmManualStepUpdate, { args: [{ actor: manager, stepId: step.id }] }),
        );
      }
      return false;
    }
    if (this.rehearse && phase?.id === this.rehearse.phase && once('rehearse')) {
      const { level } = this.rehearse;
      return this.act(
        now,
        this.handle.workflowId,
        `${manager.id}: rehearse rollback ${level ?? '(compensations only)'}`,
        () =>
          this.handle.startUpdate(rollbackUpdate, {
            args: [
              { actor: manager, level, reason: `rehearsal of rollback ${level ?? '(compensations only)'}` },
            ],
            waitForStage: 'ACCEPTED',
          }),
      );
    }
    if (state.status === 'IN_REVIEW') {
      for (const review of state.reviews) {
        if (review.completedBy || review.dueAt === undefined || review.dueAt > now) continue;
        if (!once(`review:${review.id}`)) continue;
        return this.act(now, this.handle.workflowId, `${manager.id}: complete review ${review.id}`, () =>
          this.handle.executeUpdate(completeReviewUpdate, {
            args: [{ actor: manager, reviewId: review.id }],
          }),
        );
      }
      return false;
    }
    if (!phase) return false;
    const wf = phaseWorkflowId(this.rolloutId, phase.id);
    const key = (item: string) => `${phase.id}/${item}`;
    for (const item of phase.items) {
      if (item.kind === 'sustained') {
        if (
          item.status === 'OPEN' &&
          !this.scripted.has(`check:${key(item.id)}`) &&
          !this.probed.has(key(item.id))
        ) {
          this.probed.add(key(item.id));
          await this.probe(now, phase.id, item.id, true);
          return true;
        }
        continue;
      }
      if (item.status === 'OPEN' && once(`item:${key(item.id)}`)) {
        return this.act(now, wf, `${engineer.id}: complete item ${item.id}`, () =>
          this.phaseHandle(phase.id).executeUpdate(itemActionUpdate, {
            args: [{ type: 'complete', itemId: item.id, actor: engineer }],
          }),
        );
      }
      if (item.kind === 'approval' && item.status === 'DONE' && once(`approve:${key(item.id)}`)) {
        return this.act(now, wf, `${approver.id}: approve item ${item.id}`, () =>
          this.phaseHandle(phase.id).executeUpdate(itemActionUpdate, {
            args: [{ type: 'approve', itemId: item.id, actor: approver }],
          }),
        );
      }
    }
    if (onlySignOffLeft(waitsOf(phase, now)) && once(`gate:${phase.id}`)) {
      return this.act(now, wf, `${manager.id}: sign the gate`, () =>
        this.phaseHandle(phase.id).executeUpdate(signOffUpdate, { args: [{ actor: manager }] }),
      );
    }
    return false;
  }

  /** The next moment anything can happen, or undefined when nothing ever will. */
  private nextMoment(
    state: EngineState,
    phase: PhaseState | undefined,
    now: number,
    until: number,
  ): number | undefined {
    const start = state.startedAt;
    const times = [
      ...this.actions.filter((a) => !a.done).map((a) => start + a.atMs),
      ...this.metricTimes.map((t) => start + t),
      ...(phase ? [nextTimeChange(phase, now)] : []),
      ...state.reviews.filter((r) => !r.completedBy).map((r) => r.dueAt),
      state.rollback?.budgetEndsAt,
    ].filter((t): t is number => t !== undefined && t > now);
    if (!times.length) return undefined;
    return Math.min(Math.min(...times), start + until);
  }
}

const { EventType: E } = temporal.api.enums.v1;

/**
 * Work a workflow has under way: a workflow task, an activity, a child being started or a signal being
 * sent. (The test server's describe does not report pending workflow tasks, so the history decides.)
 */
export function outstanding(events: temporal.api.history.v1.IHistoryEvent[]): {
  work?: string;
  runningChildren: string[];
  /** When each timer that has neither fired nor been cancelled fires (server time, ms), earliest first. */
  timers: number[];
} {
  const timers = new Map<string, number>();
  let task = false;
  const activities = new Set<string>();
  let starting = 0;
  let signalling = 0;
  const children = new Map<string, boolean>();
  for (const e of events) {
    const id = String(e.eventId);
    switch (e.eventType) {
      case E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        task = true;
        break;
      case E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      case E.EVENT_TYPE_WORKFLOW_TASK_FAILED:
      case E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        task = false;
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        activities.add(id);
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        activities.delete(String(e.activityTaskCompletedEventAttributes?.scheduledEventId));
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        activities.delete(String(e.activityTaskFailedEventAttributes?.scheduledEventId));
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        activities.delete(String(e.activityTaskTimedOutEventAttributes?.scheduledEventId));
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
        activities.delete(String(e.activityTaskCanceledEventAttributes?.scheduledEventId));
        break;
      case E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        starting++;
        break;
      case E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
        starting--;
        children.set(
          e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId ?? '',
          true,
        );
        break;
      case E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
        starting--;
        break;
      case E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
      case E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
      case E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
      case E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
      case E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
        children.delete(childOf(e) ?? '');
        break;
      case E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        signalling++;
        break;
      case E.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED:
      case E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
        signalling--;
        break;
      case E.EVENT_TYPE_TIMER_STARTED: {
        const t = e.timerStartedEventAttributes;
        timers.set(t?.timerId ?? '', millis(e.eventTime) + millis(t?.startToFireTimeout));
        break;
      }
      case E.EVENT_TYPE_TIMER_FIRED:
        timers.delete(e.timerFiredEventAttributes?.timerId ?? '');
        break;
      case E.EVENT_TYPE_TIMER_CANCELED:
        timers.delete(e.timerCanceledEventAttributes?.timerId ?? '');
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
        // A closed run's timers never fire.
        timers.clear();
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        // The next run carries on; its own history is what matters.
        return { work: 'continues as new', runningChildren: [], timers: [] };
    }
  }
  const work = task
    ? 'has a workflow task'
    : activities.size
      ? 'runs an activity'
      : starting
        ? 'starts a child'
        : signalling
          ? 'sends a signal'
          : undefined;
  return {
    work,
    runningChildren: [...children.keys()].filter(Boolean),
    timers: [...timers.values()].sort((a, b) => a - b),
  };
}

/** A protobuf Timestamp or Duration in ms. */
function millis(
  t: { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined,
): number {
  return Number(t?.seconds?.toString() ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);
}

function childOf(e: temporal.api.history.v1.IHistoryEvent): string | null | undefined {
  const a =
    e.childWorkflowExecutionCompletedEventAttributes ??
    e.childWorkflowExecutionFailedEventAttributes ??
    e.childWorkflowExecutionCanceledEventAttributes ??
    e.childWorkflowExecutionTerminatedEventAttributes ??
    e.childWorkflowExecutionTimedOutEventAttributes;
  return a?.workflowExecution?.workflowId;
}

/** Why a rollout can go no further without someone the scenario does not provide. */
function waitingFor(state: EngineState, phase: PhaseState | undefined, now: number): string {
  if (state.status === 'ROLLING_BACK') {
    const step = state.rollback && nextStep(state.rollback);
    return `the rollback waits for step ${step?.id ?? '?'}, which nobody confirms`;
  }
  if (state.status === 'PAUSED') return 'the rollout is paused and the scenario never resumes it';
  if (phase) {
    const waits = waitsOf(phase, now)
      .map((w) => ('ids' in w ? `${w.kind} ${w.ids.join(', ')}` : w.kind))
      .join('; ');
    return `phase ${phase.id} waits for ${waits}, which the scenario never provides`;
  }
  return `the rollout is ${state.status} and nothing further is scheduled`;
}
