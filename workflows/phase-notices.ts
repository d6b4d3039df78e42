import { isCancellation, log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RolloutActivities } from '../activities';
import { humanDuration } from './engine/durations';
import { recordTimer, type ItemTimer } from './engine/item-timers';
import { type PhaseInput, rolloutWorkflowId } from './engine/messages';
import type { PhaseState } from './engine/phase';
import { ACTIONS_CHANNEL, APPROVAL_WHEN_DONE_PATCH, requestKey, send } from './rollout/notices';

// Check-in reminders and deadline escalations of a phase's checklist items (engine/item-timers.ts decides
// when; this sends them). Retried for a few minutes, then given up (and logged): the phase must not stall on
// a chat webhook. The outbox keeps the message either way.

const remindersRetry = {
  initialInterval: '1 second',
  maximumInterval: '1 minute',
  maximumAttempts: 8,
} as const;
const reminders = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '1 minute',
  retry: remindersRetry,
  summary: 'Check-in reminder',
});
const escalations = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '1 minute',
  retry: remindersRetry,
  summary: 'Deadline escalation',
});

/** Where check-in reminders go; `NOTIFY_WEBHOOK_URLS` may route it, else the default webhook takes it. */
export const CHECK_IN_CHANNEL = 'check-ins';
/** Where passed deadlines go, as rollback budget overruns do. */
export const ESCALATION_CHANNEL = 'escalation';

/** Sends a check-in reminder or a deadline escalation that has come due, recording it first. */
export async function fireItemTimer(
  input: PhaseInput,
  state: PhaseState,
  timer: ItemTimer,
  now: number,
): Promise<void> {
  recordTimer(state, timer, now);
  const item = state.items.find((i) => i.id === timer.itemId);
  const where = `${state.name} (${input.plan}, rollout ${input.rolloutId})`;
  const audience = item?.roles.length ? { audience: item.roles.join(', ') } : {};
  const key = `${workflowInfo().workflowId}/${timer.itemId}`;
  const sent =
    timer.kind === 'check-in'
      ? reminders.notify({
          rolloutId: input.rolloutId,
          channel: CHECK_IN_CHANNEL,
          ...audience,
          message: `Check-in #${timer.occurrence}: "${timer.title}" — ${where}`,
          kind: 'item.check-in',
          details: { phaseId: state.id, itemId: timer.itemId },
          idempotencyKey: `${key}/check-in-${timer.occurrence}`,
        })
      : escalations.notify({
          rolloutId: input.rolloutId,
          channel: ESCALATION_CHANNEL,
          ...audience,
          message: `Overdue: "${timer.title}" in ${where} is not ${item?.kind === 'approval' ? 'approved' : 'done'} ${humanDuration(timer.at - state.enteredAt)} after the phase began`,
          kind: 'item.overdue',
          details: { phaseId: state.id, itemId: timer.itemId },
          idempotencyKey: `${key}/deadline`,
        });
  if (timer.kind === 'deadline') log.warn('Checklist item overdue', { phase: state.id, item: timer.itemId });
  await sent.catch((err: unknown) => {
    if (isCancellation(err)) throw err;
    log.warn('Reminder not delivered', { phase: state.id, item: timer.itemId, kind: timer.kind, err });
  });
}

/**
 * An approval item's work is done: the roles that may approve it are asked now, not when the phase began
 * (approving before the work is refused). Not awaited, like the rollout's notices; sent once per item (the
 * rollout's outbox key), however often the work is redone.
 */
export function askApprovers(input: PhaseInput, state: PhaseState, itemId: string, doneBy: string): void {
  const item = state.items.find((i) => i.id === itemId);
  if (item?.kind !== 'approval' || !item.roles.length || !patched(APPROVAL_WHEN_DONE_PATCH)) return;
  const roles = item.roles.join(', ');
  send({
    rolloutId: input.rolloutId,
    channel: ACTIONS_CHANNEL,
    audience: roles,
    kind: 'approval.requested',
    message: `Approval needed from ${roles}: "${item.title}" in ${state.name} (${input.plan}, rollout ${input.rolloutId}); the work was done by ${doneBy}`,
    details: { phaseId: state.id, itemId, roles, doneBy },
    idempotencyKey: requestKey(rolloutWorkflowId(input.rolloutId), state.id, itemId),
  });
}
