import { ENDED_STATUSES, hasEnded } from '../../../../workflows/engine/messages';

// Statuses as the API reads them. The engine's own ends (hasEnded: COMPLETED, ROLLED_BACK, ABORTED), plus
// TERMINATED, which only the projection carries: a workflow terminated (or timed out) in Temporal runs no code
// that could say so, and the reconciler writes it to the projection row and the audit log.

/** Set by the reconciler on the projection row of a rollout whose workflow was terminated or timed out. */
export const TERMINATED = 'TERMINATED';

/** Every status after which a rollout takes no more actions nor readings (engine ends and TERMINATED). */
export const CLOSED_STATUSES: readonly string[] = [...ENDED_STATUSES, TERMINATED];

/** Whether a status (as the engine, the projection or the audit log spell it) is one a rollout never leaves. */
export const isClosed = (status: string): boolean => hasEnded(status) || status === TERMINATED;

/** Rollouts in these statuses never launch (or are being undone): their post-launch reviews will not happen. */
export const UNLAUNCHED_STATUSES: readonly string[] = [
  'ROLLING_BACK',
  'ROLLBACK_FAILED',
  'ROLLED_BACK',
  'ABORTED',
  TERMINATED,
];
