import { condition, setHandler } from '@temporalio/workflow';
import * as m from '../engine/messages';
import type { EngineStatus, RollbackRequest } from '../engine/messages';
import type { Actor } from '../engine/phase';
import { checkCompleteReview, completeReview } from '../engine/reviews';
import * as rules from '../engine/rollout-rules';
import { gateSigners } from '../engine/actions';
import { forward } from './effects';
import { gateReady } from './notices';
import type { StepAction } from './rollback-runner';
import type { RolloutRun } from './run';

// The rollout's queries, signals and Updates. Each Update's validator asks engine/rollout-rules.ts (or the
// reviews' rules); its handler changes the run's state and answers once that state is written.

const ENGINE: Actor = { id: 'engine', roles: ['admin'] };
const STANDING = ['IN_REVIEW', 'PAUSED', 'ROLLING_BACK', 'ROLLBACK_FAILED'];
const LIVE = ['RUNNING', 'WAITING_FOR_SIGN_OFF'];

export function registerHandlers(run: RolloutRun): void {
  const { state, v2, operators } = run;
  setHandler(m.engineStateQuery, run.snapshot);
  setHandler(m.phaseEnteredSignal, ({ phaseId }) => void run.entered.add(phaseId));
  setHandler(m.phaseProgressSignal, async (progress) => {
    const { phaseId, waitingForSignOff } = progress;
    const target: EngineStatus = waitingForSignOff ? 'WAITING_FOR_SIGN_OFF' : 'RUNNING';
    if (!v2) {
      if (phaseId !== state.currentPhaseId || !LIVE.includes(state.status)) return;
      state.status = target;
      return run.rec.publish();
    }
    // A report that races the phase's entry counts once the phase is named current.
    await condition(() => state.currentPhaseId === phaseId || run.entering !== phaseId);
    if (state.currentPhaseId !== phaseId) return;
    if (state.status === 'PAUSED') state.pausedFrom = target;
    else if (LIVE.includes(state.status) && state.status !== target) {
      const what = waitingForSignOff ? `phase ${phaseId} waits for its sign-off` : `phase ${phaseId} runs`;
      await run.transition(target, what);
    }
    // The phase answers the action that changed its progress only once this is recorded.
    await run.child?.signal(m.progressRecordedSignal, progress).catch(() => undefined);
    const phase = run.input.plan.phases.find((p) => p.id === phaseId);
    if (waitingForSignOff && phase && !run.over()) {
      gateReady(run, phase, gateSigners(run.input.parameters?.gateRoles ?? [], run.policy));
    }
  });
  setHandler(m.guardrailBreachSignal, async (breach) => {
    const current = breach.phaseId === state.currentPhaseId || (v2 && breach.phaseId === run.entering);
    if (!current || run.over() || ['ROLLING_BACK', 'ROLLBACK_FAILED'].includes(state.status)) return;
    state.breaches.push({ ...breach, at: Date.now() });
    run.rec.record(`guardrail ${breach.guardrailId} breached: ${breach.reason}`);
    const { action, reason, value, readings } = breach;
    await forward.recordAudit({
      rolloutId: run.rolloutId,
      actor: 'engine',
      action: 'guardrail.breach',
      target: breach.guardrailId,
      payload: { phase: breach.phaseId, reason, value, readings, action },
      at: new Date().toISOString(),
    });
    if (action.type === 'rollback') {
      const why = `guardrail ${breach.guardrailId}: ${reason}`;
      run.rollbackRequest ??= { actor: ENGINE, level: action.level, reason: why };
    } else if (action.type === 'pause') {
      if (state.status !== 'PAUSED') await run.pause('engine', `guardrail ${breach.guardrailId}`);
    } else {
      await forward.notify({
        rolloutId: run.rolloutId,
        channel: action.channel ?? 'default',
        message: `Guardrail ${breach.guardrailId} breached: ${reason}`,
        kind: 'guardrail.breached',
        details: { phaseId: breach.phaseId, guardrailId: breach.guardrailId },
        idempotencyKey: `${run.wfId}/breach/${breach.phaseId}/${breach.guardrailId}`,
      });
    }
  });
  setHandler(
    m.pauseUpdate,
    async ({ actor, reason }) => {
      await run.pause(actor.id, reason);
      return run.snapshot();
    },
    { validator: ({ actor }: m.PauseRequest) => run.check(rules.checkPause(run.view(), actor, operators)) },
  );
  setHandler(
    m.resumeUpdate,
    async ({ actor }) => {
      await run.child?.signal(m.holdSignal, { hold: false });
      await run.transition(state.pausedFrom ?? 'RUNNING', `resumed by ${actor.id}`, actor.id);
      return run.snapshot();
    },
    { validator: ({ actor }: m.ActorRequest) => run.check(rules.checkResume(run.view(), actor, operators)) },
  );
  setHandler(
    m.rollbackUpdate,
    async (req) => {
      run.rollbackRequest ??= req;
      await condition(() => (state.status === 'ROLLING_BACK' || run.over()) && run.written());
      return run.snapshot();
    },
    { validator: (req: RollbackRequest) => run.check(rules.checkRollback(run.view(), req, operators)) },
  );
  setHandler(
    m.abortUpdate,
    async (req) => {
      run.abortRequest ??= req;
      await condition(() => run.over() && run.written());
      return run.snapshot();
    },
    { validator: (req: m.AbortRequest) => run.check(rules.checkAbort(run.view(), req, operators)) },
  );
  setHandler(
    m.completeReviewUpdate,
    (req) => {
      // A repeat by the one who completed it is accepted and changes nothing, so it is not audited again.
      if (!completeReview(state.reviews, req, Date.now())) return run.snapshot();
      run.rec.record(`review ${req.reviewId} completed by ${req.actor.id}`);
      const payload = req.note === undefined ? {} : { note: req.note };
      return run.auditedAction(req.actor, 'review.complete', req.reviewId, payload);
    },
    {
      validator: (req: m.ReviewCompletion) =>
        run.check(checkCompleteReview(state.reviews, state.status, req, Date.now())),
    },
  );
  setHandler(
    m.confirmManualStepUpdate,
    ({ actor, stepId }) => {
      if (run.confirmedManualSteps.has(stepId)) return run.snapshot();
      run.confirmedManualSteps.add(stepId);
      return run.auditedAction(actor, 'rollback.confirm-step', stepId, {});
    },
    {
      validator: (req: m.ManualStepConfirmation) =>
        run.check(rules.checkConfirmStep(run.view(), req, operators)),
    },
  );
  /** A retry or resolution answers once the rollback has taken it up and its transition is written. */
  async function stepActionTaken(action: StepAction, actor: Actor, auditAs: string, payload: object) {
    run.stepAction = action;
    await run.auditedAction(actor, auditAs, action.stepId, { ...payload });
    await condition(() => run.stepAction !== action && run.written());
    return run.snapshot();
  }
  setHandler(
    m.retryRollbackStepUpdate,
    ({ actor, stepId }) =>
      stepActionTaken({ kind: 'retry', stepId, actor: actor.id }, actor, 'rollback.retry-step', {}),
    {
      validator: (req: m.RollbackStepRetry) => run.check(rules.checkRetryStep(run.view(), req, operators)),
    },
  );
  setHandler(
    m.resolveRollbackStepUpdate,
    ({ actor, stepId, note, evidence }) => {
      const action: StepAction = { kind: 'resolve', stepId, actor: actor.id, note, evidence };
      const payload = evidence === undefined ? { note } : { note, evidence };
      return stepActionTaken(action, actor, 'rollback.resolve-step', payload);
    },
    {
      validator: (req: m.RollbackStepResolution) =>
        run.check(rules.checkResolveStep(run.view(), req, operators)),
    },
  );
  // Answers once the rollout stands where the next action reaches it (see awaitPhaseUpdate). Changes nothing.
  setHandler(m.awaitPhaseUpdate, async ({ after }) => {
    const standsInPhase = () => {
      const current = state.phases.find((p) => p.id === state.currentPhaseId);
      return current !== undefined && current.id !== after && (!v2 || current.status === 'RUNNING');
    };
    await condition(
      () => (STANDING.includes(state.status) || run.over() || standsInPhase()) && run.written(),
    );
    return run.snapshot();
  });
}
