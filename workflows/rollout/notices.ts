import { isCancellation, log, patched, proxyActivities } from '@temporalio/workflow';
import type { NotifyInput, RolloutActivities } from '../../activities';
import type { Phase } from '../../libs/plan/src/model';
import type { EffectsContext } from './effects';

// The notices that ask a person to act: an item or approval waiting for a role as its phase is entered, a gate
// ready to sign. Each has its own outbox key (sent once, whatever the retries or restarts). They are not
// awaited: a chat webhook that is down must not hold the rollout (the outbox keeps the notice either way).

/** Where the notices that ask for an action go; NOTIFY_WEBHOOK_URLS may route it, else the default webhook. */
export const ACTIONS_CHANNEL = 'actions';

/** Patched: older runs sent none of these. */
export const ROLE_NOTICES_PATCH = 'role-notices';

const notices = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 8 },
  summary: 'Notice',
});

function send(input: NotifyInput): void {
  notices.notify(input).catch((err: unknown) => {
    if (!isCancellation(err)) log.warn('Notice not delivered', { key: input.idempotencyKey, err });
  });
}

/** Items a person completes (manual) or approves, with the roles that may: they now wait for those roles. */
export function requestItems(ctx: Pick<EffectsContext, 'rolloutId' | 'wfId' | 'plan'>, phase: Phase): void {
  const waiting = phase.checklist.filter(
    (i) => (i.kind === 'manual' || i.kind === 'approval') && i.roles?.length,
  );
  if (!waiting.length || !patched(ROLE_NOTICES_PATCH)) return;
  const plan = ctx.plan.metadata.title ?? ctx.plan.metadata.name;
  for (const item of waiting) {
    const roles = item.roles!.join(', ');
    const approval = item.kind === 'approval';
    send({
      rolloutId: ctx.rolloutId,
      channel: ACTIONS_CHANNEL,
      audience: roles,
      kind: approval ? 'approval.requested' : 'item.requested',
      message: `${approval ? 'Approval' : 'Action'} needed from ${roles}: "${item.title}" in ${phase.name} (${plan}, rollout ${ctx.rolloutId})`,
      details: { phaseId: phase.id, itemId: item.id, roles },
      idempotencyKey: `${ctx.wfId}/${phase.id}/requested/${item.id}`,
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
