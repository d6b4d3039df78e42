import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  type CancelledFailure,
  ChildWorkflowCancellationType,
  condition,
  isCancellation,
  log,
  patched,
  startChild,
} from '@temporalio/workflow';
import { guardrailsFor } from './engine/guardrails';
import * as m from './engine/messages';
import type { EngineState, PlanRolloutInput, RollbackRequest } from './engine/messages';
import type { Actor } from './engine/phase';
import { planRollback, resolvedByHand } from './engine/rollback';
import { cancelOpenReviews } from './engine/reviews';
import { outcomeFailure } from './engine/rollout-rules';
import { phaseWorkflow } from './phase.workflow';
import { enterPhase, escalateFailedStep, forward, runStep, watchBudget } from './rollout/effects';
import { registerHandlers } from './rollout/handlers';
import { runReviews } from './rollout/reviews';
import { runRollback } from './rollout/rollback-runner';
import { RolloutRun } from './rollout/run';

export { ONE_TRUTH_PATCH } from './rollout/run';

const TEMPORAL: Actor = { id: 'temporal', roles: [] };

/**
 * A rollout of a plan (rollout-<id>): applies each phase's flags and messages, runs the phase as a child
 * workflow until it may be left, then schedules the post-launch reviews. Human actions are Updates
 * (rollout/handlers.ts) checked by engine/rollout-rules.ts; a rollback is the saga of
 * rollout/rollback-runner.ts. Only a completed plan closes Completed: ROLLED_BACK and ABORTED close Failed,
 * a cancellation in Temporal is recorded as an abort and closes Canceled.
 */
export async function planRolloutWorkflow(input: PlanRolloutInput): Promise<EngineState> {
  const r = new RolloutRun(input);
  const { plan, rolloutId, state, ctx, v2, transition } = r;
  registerHandlers(r);

  if (v2) {
    // A cancellation requested in Temporal (Web UI, `temporal workflow cancel`) is an abort: the rollout
    // runs on in a non-cancellable scope, cancels its phase, records the abort, then closes Canceled.
    CancellationScope.current().cancelRequested.catch((err: unknown) => {
      if (!isCancellation(err) || r.over()) return; // an ended rollout keeps its outcome
      r.cancelled = err as CancelledFailure;
      r.abortRequest ??= { actor: TEMPORAL, reason: 'cancellation requested in Temporal' };
    });
    await CancellationScope.nonCancellable(run);
  } else await run();
  await condition(allHandlersFinished);
  if (v2 && r.cancelled) throw r.cancelled;
  const by = r.abortRequest ?? {
    actor: { id: state.rollback?.requestedBy ?? 'engine' },
    reason: state.rollback?.reason,
  };
  const failure = v2 ? outcomeFailure(state.status, by.actor.id, by.reason ?? '') : undefined;
  const details = { rolloutId, status: state.status, by: by.actor.id, reason: by.reason };
  if (failure) throw ApplicationFailure.create({ ...failure, nonRetryable: true, details: [details] });
  return r.snapshot();

  async function run(): Promise<void> {
    await transition(
      'RUNNING',
      `started by ${input.startedBy} (${plan.phases.length} phases)`,
      input.startedBy,
    );
    await forward.registerFlags({
      flags: plan.flags.map((f) => ({ key: f.key, default: f.default })),
      actor: 'engine',
      rolloutId,
    });
    let lastPhaseEnd = Date.now();
    for (const [index, phase] of plan.phases.entries()) {
      if (r.interrupted()) break;
      const summary = state.phases[index];
      if (v2) {
        // The phase is named current only once its workflow runs (phaseEntered): see below.
        [r.entering, state.currentPhaseId] = [phase.id, undefined];
        Object.assign(summary, { status: 'ENTERING', enteredAt: Date.now() });
        await enterPhase(ctx, phase);
      } else {
        state.currentPhaseId = phase.id;
        Object.assign(summary, { status: 'RUNNING', enteredAt: Date.now() });
        await enterPhase(ctx, phase);
        await transition(state.status === 'PAUSED' ? 'PAUSED' : 'RUNNING', `entered phase ${phase.name}`);
      }
      const scope = new CancellationScope();
      r.child = await scope.run(() =>
        startChild(phaseWorkflow, {
          workflowId: m.phaseWorkflowId(rolloutId, phase.id),
          args: [
            {
              rolloutId,
              plan: state.plan,
              phase,
              gateRoles: input.parameters?.gateRoles ?? [],
              policy: r.policy,
              timeScale: r.timeScale,
              guardrails: guardrailsFor(plan, phase.id),
              historyLimit: input.parameters?.historyLimit,
              rolloutStartedAt: state.startedAt,
              phaseEnteredAt: summary.enteredAt,
              metrics: { source: 'pushed', cadenceMs: 60_000, ...input.parameters?.metrics },
              // This rollout answers every progress report (phaseProgressRecorded): the phase may wait for it.
              ...(v2 && { recordsProgress: true }),
            },
          ],
          cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
          ...(patched('phase-task-timeout') && { workflowTaskTimeout: m.WORKFLOW_TASK_TIMEOUT }),
          staticSummary: `Phase ${index + 1}/${plan.phases.length}: ${phase.name} (rollout ${rolloutId})`,
        }),
      );
      if (state.status === 'PAUSED') await r.child.signal(m.holdSignal, { hold: true });
      const result = r.child.result();
      if (v2) {
        let closed = false; // a child that never reports its entry (an older version) has entered once it closed
        result.then(() => (closed = true)).catch(() => (closed = true));
        await condition(() => r.entered.has(phase.id) || closed || r.interrupted());
        r.entering = undefined;
        if (!r.interrupted()) {
          state.currentPhaseId = phase.id;
          summary.status = 'RUNNING';
          await transition(state.status === 'PAUSED' ? 'PAUSED' : 'RUNNING', `entered phase ${phase.name}`);
        }
      }
      await Promise.race([result, condition(r.interrupted)]).catch(() => undefined);
      if (r.interrupted()) {
        scope.cancel();
        // Temporal sends a child's cancellation to the run it started: once the phase has continued as new,
        // that run is closed, the request is taken as done and the phase never hears it (the rollback would
        // wait forever). Patched: a phase that has not closed a minute later is cancelled by id, its current
        // run, by an activity (from workflow code, a second request for the same child fails the task).
        if (patched('cancel-current-phase-run-late')) {
          let settled = false;
          result.then(
            () => (settled = true),
            () => (settled = true),
          );
          if (!(await condition(() => settled, '1 minute')))
            await forward
              .cancelCurrentRun({ workflowId: m.phaseWorkflowId(rolloutId, phase.id) })
              .catch((err: unknown) =>
                log.warn('phase cancellation not delivered', { phase: phase.id, err }),
              );
        }
        await result.catch((err: unknown) => {
          if (!isCancellation(err)) throw err;
        });
        summary.status = 'CANCELLED';
        r.child = undefined;
        break;
      }
      Object.assign(summary, { status: 'COMPLETED', completedAt: Date.now(), result: await result });
      r.child = undefined;
      lastPhaseEnd = Date.now();
    }

    if (!r.interrupted()) {
      const auditing = () => r.actionsAuditing;
      await runReviews(ctx, {
        from: lastPhaseEnd,
        timeScale: r.timeScale,
        interrupted: r.interrupted,
        auditing,
        transition,
      });
    }
    if (r.abortRequest) await abort(r.abortRequest);
    else if (r.rollbackRequest) await rollback(r.rollbackRequest);
    else {
      state.endedAt = Date.now();
      await transition('COMPLETED', 'all phases done and reviews completed');
    }
  }

  async function abort(req: { actor: Actor; reason: string }): Promise<void> {
    state.endedAt = Date.now();
    if (v2) cancelOpenReviews(state.reviews, state.endedAt);
    await transition('ABORTED', `aborted by ${req.actor.id}: ${req.reason}`, req.actor.id);
  }

  async function rollback(req: RollbackRequest): Promise<void> {
    const level = plan.rollback.levels.find((l) => l.id === req.level) ?? plan.rollback.levels[0];
    const progress = planRollback(
      state.compensations,
      level,
      { reason: req.reason, requestedBy: req.actor.id },
      Date.now(),
    );
    state.rollback = progress;
    if (v2) cancelOpenReviews(state.reviews, Date.now());
    const what = `rollback (${level?.id ?? 'compensations only'}) by ${req.actor.id}: ${req.reason}`;
    await transition('ROLLING_BACK', what, req.actor.id);
    const budget =
      progress.budgetEndsAt === undefined ? undefined : watchBudget(ctx, progress, (w) => r.rec.record(w));
    const outcome = await runRollback(progress, {
      run: (step) => runStep(ctx, step),
      waitUntil: (check) => condition(check),
      now: () => Date.now(),
      confirmed: (id) => r.confirmedManualSteps.has(id) && r.actionsAuditing === 0,
      stopped: () => r.cancelled !== undefined,
      recoverable: v2,
      transition,
      escalate: (step) => escalateFailedStep(ctx, step),
      pendingAction: () => (r.actionsAuditing === 0 ? r.stepAction : undefined),
      actionDone: () => (r.stepAction = undefined),
    });
    if (outcome.status === 'STOPPED')
      return abort(r.abortRequest ?? { actor: TEMPORAL, reason: 'cancelled' });
    await budget;
    state.endedAt = Date.now();
    await transition(
      outcome.status,
      outcome.status === 'ROLLBACK_FAILED'
        ? `rollback failed at step ${outcome.step}: ${outcome.error}`
        : 'rolled back',
      'engine',
      v2 ? { resolvedByHand: resolvedByHand(progress) } : undefined,
    );
  }
}
