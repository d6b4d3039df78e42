import { isCancellation, log, patched, proxyActivities } from '@temporalio/workflow';
import type { NotifyInput, RolloutActivities } from '../../activities';
import type { Phase } from '../../libs/plan/src/model';
import type { EffectsContext } from './effects';

// The notices that ask a person to act: an item waiting for a role as its phase is entered, an approval whose
// work is done (sent by the phase, phase-notices.ts), a gate ready to sign. Each has its own outbox key (sent
// once, whatever the retries or restarts). They are not awaited: a chat webhook that is down must not hold the rollout (the outbox keeps the notice either way).

/** Where the notices that ask for an action go; NOTIFY_WEBHOOK_URLS may route it, else the default webhook. */
export const ACTIONS_CHANNEL = 'actions';

/** Patched: older runs sent none of these. */
export const ROLE_NOTICES_PATCH = 'role-notices';
/**
 * Patched, in the rollout and in its phases: an approval is asked for once its work is done (approving before
 * that is refused). Older runs asked as the phase was entered.
 */
export const APPROVAL_WHEN_DONE_PATCH = 'approval-requested-when-done';

/** The outbox key of the notice asking for an item (the same whichever workflow sends it). */
export const requestKey = (rolloutWfId: string, phaseId: string, itemId: string) =>
  `${rolloutWfId}/${phaseId}/requested/${itemId}`;

const notices = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 8 },
  summary: 'Notice',
});

export function send(input: NotifyInput): void {
  notices.notify(input).catch((err: unknown) => {
    if (!isCancellation(err)) log.warn('Notice not delivered', { key: input.idempotencyKey, err });
  });
}

/**
 * Items a person completes (manual), with the roles that may: they now wait for those roles. Approval items
 * too in older runs; now their phase asks once the work is done.
 */
export function requestItems(ctx: Pick<EffectsContext, 'rolloutId' | 'wfId' | 'plan'>, phase: Phase): void {
  const waiting = phase.checklist.filter(
    (i) => (i.kind === 'manual' || i.kind === 'approval') && i.roles?.length,
  );
  if (!waiting.length || !patched(ROLE_NOTICES_PATCH)) return;
  const approvalsLater = waiting.some((i) => i.kind === 'approval') && patched(APPROVAL_WHEN_DONE_PATCH);
  const plan = ctx.plan.metadata.title ?? ctx.plan.metadata.name;
  for (const item of waiting) {
    if (item.kind === 'approval' && approvalsLater) continue;
    const roles = item.roles!.join(', ');
    const approval = item.kind === 'approval';
    send({
      rolloutId: ctx.rolloutId,
      channel: ACTIONS_CHANNEL,
      audience: roles,
      kind: approval ? 'approval.requested' : 'item.requested',
      message: `${approval ? 'Approval' : 'Action'} needed from ${roles}: "${item.title}" in ${phase.name} (${plan}, rollout ${ctx.rolloutId})`,
      details: { phaseId: phase.id, itemId: item.id, roles },
      idempotencyKey: requestKey(ctx.wfId, phase.id, item.id),
    });
  }
}

/** The phase waits only for its gate's sign-off: the roles that may sign hear it once per phase. */
export function gateReady(
  ctx: { rolloutId: string; wfId: string },
  phase: { id: string; name: string },
  signers: string[],
): void {
  if (!patched(ROLE_NOTICES_PATCH)) return;
  const roles = signers.join(', ');
  send({
    rolloutId: ctx.rolloutId,
    channel: ACTIONS_CHANNEL,
    audience: roles,
    kind: 'gate.ready',
    message: `Gate of ${phase.name} is ready to sign (rollout ${ctx.rolloutId}): ${roles} may sign it off`,
    details: { phaseId: phase.id, roles },
    idempotencyKey: `${ctx.wfId}/${phase.id}/gate-ready`,
  });
}
