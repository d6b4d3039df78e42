import {
  allHandlersFinished,
  CancellationScope,
  ChildWorkflowCancellationType,
  type ChildWorkflowHandle,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { RolloutActivities } from '../activities';
import { DEFAULT_POLICY, holdsAny, type ActionPolicy } from './engine/actions';
import {
  hasEnded,
  abortUpdate,
  completeReviewUpdate,
  confirmManualStepUpdate,
  engineStateQuery,
  guardrailBreachSignal,
  holdSignal,
  pauseUpdate,
  phaseProgressSignal,
  phaseWorkflowId,
  WORKFLOW_TASK_TIMEOUT,
  resumeUpdate,
  rollbackUpdate,
  type AbortRequest,
  type ActorRequest,
  type EngineState,
  type EngineStatus,
  type ManualStepConfirmation,
  type PauseRequest,
  type PlanRolloutInput,
  type ReviewCompletion,
  type RollbackRequest,
} from './engine/messages';
import type { Actor } from './engine/phase';
import { guardrailsFor } from './engine/guardrails';
import { markStep, nextStep, planRollback, rollbackOutcome, type RollbackProgress } from './engine/rollback';
import { pendingTimers } from './engine/timers';
import { durationToMillis, type Phase } from '../libs/plan/src/model';
import { humanDuration } from './engine/durations';
import { phaseWorkflow } from './phase.workflow';
import { refusal } from './refusals';
import { RolloutIdKey, RolloutPhaseKey, RolloutPlanKey, RolloutStatusKey } from './search-attributes';

const forward = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// Rollback steps retry a bounded number of times: a step that cannot be done must end as ROLLBACK_FAILED.
const undo = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 5,
  },
});

const OPERATOR_ROLES = ['admin', 'release-manager', 'operator'];
const ENGINE: Actor = { id: 'engine', roles: ['admin'] };

/**
 * A rollout of a plan (rollout-<id>): applies each phase's flags and messages, runs the phase as a child
 * workflow until it may be left, then schedules the post-launch reviews. Pause, abort and rollback are
 * Updates; a rollback undoes every forward side effect newest first, then runs the plan's level steps.
 */
export async function planRolloutWorkflow(input: PlanRolloutInput): Promise<EngineState> {
  const { plan, rolloutId } = input;
  const policy: ActionPolicy = { ...DEFAULT_POLICY, ...input.parameters?.policy };
  const timeScale = input.parameters?.timeScale ?? 1;
  const wfId = workflowInfo().workflowId;
  const state: EngineState = {
    rolloutId,
    plan: plan.metadata.name,
    status: 'PENDING',
    startedBy: input.startedBy,
    startedAt: Date.now(),
    phases: plan.phases.map((p) => ({ id: p.id, name: p.name, status: 'PENDING' })),
    compensations: [],
    breaches: [],
    reviews: plan.reviews.map((r) => ({ id: r.id, title: r.title })),
    events: [],
    flags: {},
  };
  let version = 0;
  let rollbackRequest: RollbackRequest | undefined;
  let abortRequest: { actor: Actor; reason: string } | undefined;
  let child: ChildWorkflowHandle<typeof phaseWorkflow> | undefined;
  const confirmedManualSteps = new Set<string>();

  const interrupted = () => rollbackRequest !== undefined || abortRequest !== undefined;
  const record = (what: string) => {
    state.events.push({ at: Date.now(), what });
    if (state.events.length > 200) state.events.splice(0, state.events.length - 200);
  };
  const requireOperator = (actor: Actor, what: string) => {
    if (!holdsAny(actor, OPERATOR_ROLES))
      throw refusal('FORBIDDEN', `Only ${OPERATOR_ROLES.join(', ')} may ${what}`);
  };
  const requireLive = (what: string) => {
    if (hasEnded(state.status))
      throw refusal('CONFLICT', `Rollout ${rolloutId} has ended (${state.status}); cannot ${what}`);
    if (state.status === 'ROLLING_BACK')
      throw refusal('CONFLICT', `Rollout ${rolloutId} is rolling back; cannot ${what}`);
  };

  async function transition(status: EngineStatus, what: string, actor = 'engine'): Promise<void> {
    state.status = status;
    record(what);
    publish();
    await forward.recordAudit({
      rolloutId,
      actor,
      action: 'rollout.transition',
      target: status,
      payload: { what, phase: state.currentPhaseId },
      at: new Date().toISOString(),
    });
    await forward.updateProjection({
      rolloutId,
      workflowId: wfId,
      plan: state.plan,
      title: plan.metadata.title ?? null,
      status,
      currentPhase: state.currentPhaseId ?? null,
      startedAt: new Date(state.startedAt).toISOString(),
      updatedAt: new Date().toISOString(),
      completedAt: state.endedAt ? new Date(state.endedAt).toISOString() : null,
      version: ++version,
    });
  }

  function publish(): void {
    upsertSearchAttributes([
      { key: RolloutIdKey, value: rolloutId },
      { key: RolloutPlanKey, value: state.plan },
      { key: RolloutStatusKey, value: state.status },
      { key: RolloutPhaseKey, value: state.currentPhaseId ?? '' },
    ]);
    const phase = state.phases.find((p) => p.id === state.currentPhaseId);
    setCurrentDetails(
      `**${state.status}** — ${plan.metadata.title ?? state.plan}${phase ? `, phase ${phase.name}` : ''}`,
    );
  }

  /** The state as queries and Updates answer it: with the timers still to fire. */
  const snapshot = (): EngineState => ({
    ...state,
    timers: pendingTimers(state, plan, timeScale, Date.now()),
  });
  setHandler(engineStateQuery, snapshot);
  setHandler(phaseProgressSignal, ({ phaseId, waitingForSignOff }) => {
    if (phaseId !== state.currentPhaseId || !['RUNNING', 'WAITING_FOR_SIGN_OFF'].includes(state.status))
      return;
    state.status = waitingForSignOff ? 'WAITING_FOR_SIGN_OFF' : 'RUNNING';
    publish();
  });
  async function pause(actor: string, reason?: string): Promise<void> {
    state.pausedFrom = state.status;
    await child?.signal(holdSignal, { hold: true });
    await transition('PAUSED', `paused by ${actor}${reason ? `: ${reason}` : ''}`, actor);
  }
  setHandler(guardrailBreachSignal, async (breach) => {
    if (breach.phaseId !== state.currentPhaseId || hasEnded(state.status) || state.status === 'ROLLING_BACK')
      return;
    state.breaches.push({ ...breach, at: Date.now() });
    record(`guardrail ${breach.guardrailId} breached: ${breach.reason}`);
    await forward.recordAudit({
      rolloutId,
      actor: 'engine',
      action: 'guardrail.breach',
      target: breach.guardrailId,
      payload: {
        phase: breach.phaseId,
        reason: breach.reason,
        value: breach.value,
        readings: breach.readings,
        action: breach.action,
      },
      at: new Date().toISOString(),
    });
    const { action } = breach;
    if (action.type === 'rollback') {
      rollbackRequest ??= {
        actor: ENGINE,
        level: action.level,
        reason: `guardrail ${breach.guardrailId}: ${breach.reason}`,
      };
    } else if (action.type === 'pause') {
      if (state.status !== 'PAUSED') await pause('engine', `guardrail ${breach.guardrailId}`);
    } else {
      const channel = action.channel ?? 'default';
      await forward.notify({
        rolloutId,
        channel,
        message: `Guardrail ${breach.guardrailId} breached: ${breach.reason}`,
        idempotencyKey: `${wfId}/breach/${breach.phaseId}/${breach.guardrailId}`,
      });
    }
  });
  setHandler(
    pauseUpdate,
    async ({ actor, reason }) => {
      await pause(actor.id, reason);
      return snapshot();
    },
    {
      validator: ({ actor }: PauseRequest) => {
        requireOperator(actor, 'pause a rollout');
        requireLive('pause');
        if (state.status === 'PAUSED') throw refusal('CONFLICT', `Rollout ${rolloutId} is already paused`);
      },
    },
  );
  setHandler(
    resumeUpdate,
    async ({ actor }) => {
      await child?.signal(holdSignal, { hold: false });
      await transition(state.pausedFrom ?? 'RUNNING', `resumed by ${actor.id}`, actor.id);
      return snapshot();
    },
    {
      validator: ({ actor }: ActorRequest) => {
        requireOperator(actor, 'resume a rollout');
        if (state.status !== 'PAUSED')
          throw refusal('CONFLICT', `Rollout ${rolloutId} is not paused (${state.status})`);
      },
    },
  );
  setHandler(
    rollbackUpdate,
    async (req) => {
      rollbackRequest ??= req;
      await condition(() => state.status === 'ROLLING_BACK' || hasEnded(state.status));
      return snapshot();
    },
    {
      validator: (req: RollbackRequest) => {
        requireOperator(req.actor, 'roll back a rollout');
        requireLive('roll back');
        if (!req.reason?.trim()) throw refusal('BAD_USER_INPUT', 'A rollback needs a reason');
        if (req.level && !plan.rollback.levels.some((l) => l.id === req.level)) {
          const known = plan.rollback.levels.map((l) => l.id).join(', ') || 'none';
          throw refusal('NOT_FOUND', `Rollback level "${req.level}" is not in the plan (levels: ${known})`);
        }
      },
    },
  );
  setHandler(
    abortUpdate,
    async (req) => {
      abortRequest ??= req;
      await condition(() => hasEnded(state.status));
      return snapshot();
    },
    {
      validator: ({ actor, reason }: AbortRequest) => {
        requireOperator(actor, 'abort a rollout');
        requireLive('abort');
        if (!reason?.trim()) throw refusal('BAD_USER_INPUT', 'Aborting needs a reason');
      },
    },
  );
  /**
   * A person's accepted action on the rollout itself that no transition records (a review, a manual rollback
   * step) is audited before the Update answers. Patched: older runs did not, and answered synchronously.
   */
  let actionsAuditing = 0; // what follows such an action waits for its record, so the log keeps their order
  function auditedAction(actor: Actor, action: string, target: string, payload: Record<string, unknown>) {
    if (!patched('audit-rollout-actions')) return snapshot();
    actionsAuditing++;
    const entry = { rolloutId, actor: actor.id, action, target, at: new Date().toISOString() };
    return forward
      .recordAudit({ ...entry, payload: { roles: actor.roles, ...payload } })
      .finally(() => actionsAuditing--)
      .then(snapshot);
  }
  setHandler(
    completeReviewUpdate,
    ({ actor, reviewId, note }) => {
      const review = state.reviews.find((r) => r.id === reviewId);
      // A repeat by the one who completed it is accepted and changes nothing, so it is not audited again.
      if (!review || review.completedBy) return snapshot();
      Object.assign(review, { completedBy: actor.id, completedAt: Date.now(), note });
      record(`review ${reviewId} completed by ${actor.id}`);
      return auditedAction(actor, 'review.complete', reviewId, note === undefined ? {} : { note });
    },
    {
      validator: ({ reviewId, actor }: ReviewCompletion) => {
        const review = state.reviews.find((r) => r.id === reviewId);
        if (!review) throw refusal('NOT_FOUND', `Review "${reviewId}" is not in the plan`);
        if (review.completedBy === actor.id) return;
        if (review.completedBy)
          throw refusal('CONFLICT', `Review "${reviewId}" was completed by ${review.completedBy}`);
        if (state.status !== 'IN_REVIEW' || review.dueAt === undefined || Date.now() < review.dueAt) {
          throw refusal('CONFLICT', `Review "${reviewId}" is not due yet`);
        }
      },
    },
  );
  setHandler(
    confirmManualStepUpdate,
    ({ actor, stepId }) => {
      if (confirmedManualSteps.has(stepId)) return snapshot();
      confirmedManualSteps.add(stepId);
      return auditedAction(actor, 'rollback.confirm-step', stepId, {});
    },
    {
      validator: ({ actor, stepId }: ManualStepConfirmation) => {
        requireOperator(actor, 'confirm a rollback step');
        const step = state.rollback && nextStep(state.rollback);
        if (!step || step.id !== stepId || step.source !== 'level' || step.action.type !== 'manual') {
          throw refusal('CONFLICT', `Rollback step "${stepId}" is not waiting for a person`);
        }
      },
    },
  );

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
    if (interrupted()) break;
    const summary = state.phases[index];
    state.currentPhaseId = phase.id;
    Object.assign(summary, { status: 'RUNNING', enteredAt: Date.now() });
    await enter(phase);
    await transition(state.status === 'PAUSED' ? 'PAUSED' : 'RUNNING', `entered phase ${phase.name}`);

    const scope = new CancellationScope();
    child = await scope.run(() =>
      startChild(phaseWorkflow, {
        workflowId: phaseWorkflowId(rolloutId, phase.id),
        args: [
          {
            rolloutId,
            plan: state.plan,
            phase,
            gateRoles: input.parameters?.gateRoles ?? [],
            policy,
            timeScale,
            guardrails: guardrailsFor(plan, phase.id),
            historyLimit: input.parameters?.historyLimit,
            rolloutStartedAt: state.startedAt,
            metrics: { source: 'pushed', cadenceMs: 60_000, ...input.parameters?.metrics },
          },
        ],
        cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
        ...(patched('phase-task-timeout') && { workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT }),
        staticSummary: `Phase ${index + 1}/${plan.phases.length}: ${phase.name} (rollout ${rolloutId})`,
      }),
    );
    if (state.status === 'PAUSED') await child.signal(holdSignal, { hold: true });
    const result = child.result();
    await Promise.race([result, condition(interrupted)]).catch(() => undefined);
    if (interrupted()) {
      scope.cancel();
      await result.catch((err: unknown) => {
        if (!isCancellation(err)) throw err;
      });
      summary.status = 'CANCELLED';
      child = undefined;
      break;
    }
    Object.assign(summary, { status: 'COMPLETED', completedAt: Date.now(), result: await result });
    child = undefined;
    lastPhaseEnd = Date.now();
  }

  if (!interrupted()) await reviews(lastPhaseEnd);
  if (abortRequest) {
    state.endedAt = Date.now();
    await transition(
      'ABORTED',
      `aborted by ${abortRequest.actor.id}: ${abortRequest.reason}`,
      abortRequest.actor.id,
    );
  } else if (rollbackRequest) {
    await rollback(rollbackRequest);
  } else {
    state.endedAt = Date.now();
    await transition('COMPLETED', 'all phases done and reviews completed');
  }
  await condition(allHandlersFinished);
  return snapshot();

  /** Phase entry: flag states, then messages; each registers how to undo it. */
  async function enter(phase: Phase): Promise<void> {
    if (Object.keys(phase.flags).length) {
      const { previous } = await forward.setFlags({ rolloutId, flags: phase.flags, actor: 'engine' });
      Object.assign(state.flags ?? {}, phase.flags);
      state.compensations.push({
        id: `flags-${phase.id}`,
        title: `Restore flags set entering ${phase.name}`,
        type: 'restore-flags',
        previous,
      });
    }
    for (const [i, comm] of phase.communications.entries()) {
      const channel = comm.channel ?? 'default';
      await forward.notify({
        rolloutId,
        channel,
        audience: comm.audience,
        message: comm.message,
        idempotencyKey: `${wfId}/${phase.id}/message-${i}`,
      });
      state.compensations.push({
        id: `message-${phase.id}-${i}`,
        title: `Tell ${comm.audience ?? channel} the ${phase.name} change was rolled back`,
        type: 'notify',
        channel,
        audience: comm.audience,
        message: `Rolled back: ${plan.metadata.title ?? state.plan} has left phase ${phase.name}. Please disregard: "${comm.message}"`,
      });
    }
  }

  /** Post-launch reviews, due after the end of the last phase; the rollout is IN_REVIEW until all are done. */
  async function reviews(from: number): Promise<void> {
    if (!plan.reviews.length) return;
    for (const [i, r] of plan.reviews.entries())
      state.reviews[i].dueAt = from + (durationToMillis(r.after) ?? 0) * timeScale;
    state.currentPhaseId = undefined;
    await transition('IN_REVIEW', `post-launch reviews scheduled (${plan.reviews.length})`);
    const announced = new Set<string>();
    for (;;) {
      const open = state.reviews.filter((r) => !r.completedBy);
      if (!open.length || interrupted()) {
        if (actionsAuditing) await condition(() => actionsAuditing === 0);
        return;
      }
      const now = Date.now();
      for (const r of open.filter((o) => (o.dueAt ?? 0) <= now && !announced.has(o.id))) {
        announced.add(r.id);
        await forward.notify({
          rolloutId,
          channel: 'reviews',
          message: `Review due: ${r.title}`,
          idempotencyKey: `${wfId}/review-${r.id}`,
        });
      }
      const next = Math.min(...open.map((r) => r.dueAt ?? now).filter((d) => d > now));
      const done = () => interrupted() || state.reviews.every((r) => r.completedBy) || Date.now() >= next;
      const count = state.reviews.filter((r) => r.completedBy).length;
      const progress = () => state.reviews.filter((r) => r.completedBy).length !== count;
      // `done` also covers the last reviews being completed while the due notices went out (count and
      // `open` may already include them): waiting only on `progress` then waited forever.
      if (Number.isFinite(next)) {
        const review = open.find((r) => r.dueAt === next);
        await condition(() => done() || progress(), next - now, {
          summary: `Review: ${review?.title ?? ''}, due in ${humanDuration(next - now)}`,
        });
      } else await condition(() => done() || progress());
    }
  }

  async function rollback(req: RollbackRequest): Promise<void> {
    const level = plan.rollback.levels.find((l) => l.id === req.level) ?? plan.rollback.levels[0];
    const progress: RollbackProgress = planRollback(
      state.compensations,
      level,
      { reason: req.reason, requestedBy: req.actor.id },
      Date.now(),
    );
    state.rollback = progress;
    await transition(
      'ROLLING_BACK',
      `rollback (${level?.id ?? 'compensations only'}) by ${req.actor.id}: ${req.reason}`,
      req.actor.id,
    );
    const budget = progress.budgetEndsAt === undefined ? undefined : watchBudget(progress);
    for (let step = nextStep(progress); step; step = nextStep(progress)) {
      markStep(progress, step.id, 'RUNNING', Date.now());
      try {
        await runStep(step);
        markStep(progress, step.id, 'DONE', Date.now());
      } catch (err) {
        const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
        markStep(progress, step.id, 'FAILED', Date.now(), cause);
      }
    }
    await budget;
    const outcome = rollbackOutcome(progress);
    state.endedAt = Date.now();
    await transition(
      outcome.status,
      outcome.status === 'ROLLBACK_FAILED'
        ? `rollback failed at step ${outcome.step}: ${outcome.error}`
        : 'rolled back',
    );
  }

  async function runStep(step: NonNullable<ReturnType<typeof nextStep>>): Promise<void> {
    const key = `${wfId}/rollback/${step.id}`;
    if (step.source === 'compensation') {
      const c = step.compensation;
      if (c.type === 'restore-flags') {
        await undo.restoreFlags({ rolloutId, previous: c.previous, segment: c.segment, actor: 'engine' });
        for (const [key, value] of Object.entries(c.previous))
          if (value === null) delete state.flags?.[key];
          else if (state.flags) state.flags[key] = value;
        return;
      }
      await undo.notify({
        rolloutId,
        channel: c.channel ?? 'default',
        audience: c.audience,
        message: c.message,
        idempotencyKey: key,
      });
      return;
    }
    const a = step.action;
    switch (a.type) {
      case 'set-flags':
        await undo.setFlags({ rolloutId, flags: a.flags, actor: 'engine' });
        Object.assign(state.flags ?? {}, a.flags);
        return;
      case 'notify':
        await undo.notify({
          rolloutId,
          channel: a.channel ?? 'default',
          audience: a.audience,
          message: a.message ?? step.title,
          idempotencyKey: key,
        });
        return;
      case 'manual':
        await condition(() => confirmedManualSteps.has(step.id) && actionsAuditing === 0);
        return;
      default:
        await undo.callHook({
          rolloutId,
          stepId: step.id,
          kind: a.type,
          url: a.type === 'webhook' ? a.url : undefined,
          payload: { rolloutId, step: step.id, title: step.title, reason: state.rollback?.reason },
          idempotencyKey: key,
        });
    }
  }

  /** An overrun of the level's time budget is escalated once and recorded; the rollback goes on. */
  async function watchBudget(progress: RollbackProgress): Promise<void> {
    const ms = (progress.budgetEndsAt ?? 0) - Date.now();
    const finished = await condition(() => progress.finishedAt !== undefined, ms, {
      summary: `Rollback budget: ${humanDuration(ms)}`,
    });
    if (finished) return;
    progress.overrunRecordedAt = Date.now();
    record(`rollback overran its budget of ${humanDuration(ms)}`);
    await forward.notify({
      rolloutId,
      channel: 'escalation',
      message: `Rollback of ${rolloutId} overran its ${humanDuration(ms)} budget`,
      idempotencyKey: `${wfId}/rollback/overrun`,
    });
  }
}
