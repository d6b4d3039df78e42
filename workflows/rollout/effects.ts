import { condition, proxyActivities } from '@temporalio/workflow';
import type { RolloutActivities } from '../../activities';
import type { Phase, RolloutPlan } from '../../libs/plan/src/model';
import { humanDuration } from '../engine/durations';
import type { EngineState } from '../engine/messages';
import type { Compensation, RollbackProgress, RollbackStep } from '../engine/rollback';
import { requestItems } from './notices';

// The rollout's side effects through activities: entering a phase (flags, then messages, each registering
// how to undo it), a rollback step, the escalations. Workflow code: deterministic, activities by type only.

export const forward = proxyActivities<RolloutActivities>({
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

export interface EffectsContext {
  rolloutId: string;
  wfId: string;
  plan: RolloutPlan;
  state: EngineState;
  /** Compensation titles that tell messages apart (patched: older runs titled them by phase only). */
  distinctTitles: boolean;
}

/** A message's start, as a title quotes it. */
const quote = (text: string, max = 48): string =>
  text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;

/** How a phase message is undone; its title names the message, so no two steps of a rollback read alike. */
export function messageCompensation(
  ctx: Pick<EffectsContext, 'plan' | 'state' | 'distinctTitles'>,
  phase: Phase,
  i: number,
): Compensation {
  const comm = phase.communications[i];
  const channel = comm.channel ?? 'default';
  const who = comm.audience ?? channel;
  return {
    id: `message-${phase.id}-${i}`,
    title: ctx.distinctTitles
      ? `Tell ${who} (${channel}) to disregard ${phase.name} message ${i + 1}: "${quote(comm.message)}"`
      : `Tell ${who} the ${phase.name} change was rolled back`,
    type: 'notify',
    channel,
    audience: comm.audience,
    message: `Rolled back: ${ctx.plan.metadata.title ?? ctx.state.plan} has left phase ${phase.name}. Please disregard: "${comm.message}"`,
  };
}

/** Phase entry: flag states, then messages; each registers how to undo it. */
export async function enterPhase(ctx: EffectsContext, phase: Phase): Promise<void> {
  const { rolloutId, state } = ctx;
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
    await forward.notify({
      rolloutId,
      channel: comm.channel ?? 'default',
      audience: comm.audience,
      message: comm.message,
      kind: 'phase.entered',
      details: { phaseId: phase.id, phase: phase.name },
      idempotencyKey: `${ctx.wfId}/${phase.id}/message-${i}`,
    });
    state.compensations.push(messageCompensation(ctx, phase, i));
  }
  requestItems(ctx, phase);
}

/** One rollback step's side effect (manual steps are the runner's: they wait for a person). */
export async function runStep(ctx: EffectsContext, step: RollbackStep): Promise<void> {
  const { rolloutId, state } = ctx;
  const key = `${ctx.wfId}/rollback/${step.id}`;
  if (step.source === 'compensation') {
    const c = step.compensation;
    if (c.type === 'restore-flags') {
      await undo.restoreFlags({ rolloutId, previous: c.previous, segment: c.segment, actor: 'engine' });
      for (const [flag, value] of Object.entries(c.previous))
        if (value === null) delete state.flags?.[flag];
        else if (state.flags) state.flags[flag] = value;
      return;
    }
    const { channel, audience, message } = c;
    await undo.notify({
      rolloutId,
      channel: channel ?? 'default',
      audience,
      message,
      kind: 'phase.retracted',
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
        kind: 'rollback.notice',
        details: { stepId: step.id },
        idempotencyKey: key,
      });
      return;
    case 'manual':
      throw new Error(`manual step ${step.id} is done by a person`);
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

/** A step that cannot be done: the escalation channel hears of it once (the key is the step's own). */
export async function escalateFailedStep(ctx: EffectsContext, step: RollbackStep): Promise<void> {
  await forward.notify({
    rolloutId: ctx.rolloutId,
    channel: 'escalation',
    message:
      `Rollback of ${ctx.rolloutId} failed at step "${step.title}" (${step.id}): ${step.error ?? 'failed'}. ` +
      'Retry it (retryRollbackStep) or do it by hand and resolve it (resolveRollbackStep).',
    kind: 'rollback.failed',
    details: { stepId: step.id, step: step.title },
    idempotencyKey: `${ctx.wfId}/rollback/failed/${step.id}`,
  });
}

/** An overrun of the level's time budget is escalated once and recorded; the rollback goes on. */
export async function watchBudget(
  ctx: EffectsContext,
  progress: RollbackProgress,
  record: (what: string) => void,
): Promise<void> {
  const ms = (progress.budgetEndsAt ?? 0) - Date.now();
  const finished = await condition(() => progress.finishedAt !== undefined, ms, {
    summary: `Rollback budget: ${humanDuration(ms)}`,
  });
  if (finished) return;
  progress.overrunRecordedAt = Date.now();
  record(`rollback overran its budget of ${humanDuration(ms)}`);
  await forward.notify({
    rolloutId: ctx.rolloutId,
    channel: 'escalation',
    message: `Rollback of ${ctx.rolloutId} overran its ${humanDuration(ms)} budget`,
    kind: 'rollback.overrun',
    idempotencyKey: `${ctx.wfId}/rollback/overrun`,
  });
}
