import { CLOSED_STATUSES, TERMINATED } from '../rollouts/rollout-status';

// What the reconciler decides, as pure functions: which projection rows are still open, how one visibility
// query finds the ones Temporal ended behind the engine's back, and what such a row becomes.

// The statuses after which a rollout runs no more (the engine's ends, and TERMINATED, the reconciler's own; not
// ROLLBACK_FAILED: that rollout stays open until its rollback is retried or resolved): one list, the API's.
export { CLOSED_STATUSES, TERMINATED } from '../rollouts/rollout-status';

/** The actor of the audit entry: Temporal, not a person and not the engine. */
export const TEMPORAL_ACTOR = 'temporal';

/**
 * The `version` a TERMINATED row is given: the integer column's largest value, so that a write the dead
 * workflow still had in flight (an activity a worker was running when it was terminated) never moves the row
 * back: projection writes apply only over a lower version.
 */
export const FINAL_VERSION = 2_147_483_647;

/** Temporal's execution statuses (`WorkflowExecutionStatusName`) that no workflow code could see coming. */
export const ENDED_OUTSIDE = ['TERMINATED', 'TIMED_OUT'] as const;
export type EndedOutside = (typeof ENDED_OUTSIDE)[number];

/** One open row, as the reconciler reads it. */
export interface OpenRow {
  rolloutId: string;
  workflowId: string;
  status: string;
  version: number;
}

/** What Temporal says of a workflow's latest run (from `describe`). */
export interface ExecutionFacts {
  runId: string;
  /** `WorkflowExecutionStatusName`: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT … */
  status: string;
  closeTime?: Date;
}

/** The row's change and its audit entry, when a row must become TERMINATED. */
export interface TerminatedDecision {
  rolloutId: string;
  workflowId: string;
  /** The row as read: the update applies only if it is still so (another API may have got there first). */
  expected: { status: string; version: number };
  temporalStatus: EndedOutside;
  runId: string;
  closeTime: Date;
  audit: {
    idempotencyKey: string;
    rolloutId: string;
    actor: string;
    action: 'rollout.transition';
    target: 'TERMINATED';
    payload: Record<string, unknown>;
  };
}

/** Whether a visibility query may name this workflow ID inline (anything else is described on its own). */
export const quotable = (workflowId: string): boolean => /^[A-Za-z0-9_.:@-]{1,255}$/.test(workflowId);

/**
 * One visibility query for the workflows of these IDs that were terminated or timed out (any run; `decide`
 * looks at the latest). IDs must be `quotable`.
 */
export function endedOutsideQuery(workflowIds: readonly string[]): string {
  const ids = workflowIds.map((id) => {
    if (!quotable(id)) throw new Error(`workflow ID ${JSON.stringify(id)} cannot be quoted in a query`);
    return `'${id}'`;
  });
  return `ExecutionStatus IN ('Terminated', 'TimedOut') AND WorkflowId IN (${ids.join(', ')})`;
}

/**
 * What becomes of an open row, given its workflow's latest run: TERMINATED when that run was terminated or
 * timed out; otherwise nothing (a running rollout, or one whose end its own workflow writes). A workflow
 * Temporal no longer knows (`undefined`: deleted after retention) is left alone.
 */
export function decide(
  row: OpenRow,
  execution: ExecutionFacts | undefined,
  now: Date,
): TerminatedDecision | undefined {
  if (CLOSED_STATUSES.includes(row.status)) return undefined;
  if (!execution || !(ENDED_OUTSIDE as readonly string[]).includes(execution.status)) return undefined;
  const temporalStatus = execution.status as EndedOutside;
  const closeTime = execution.closeTime ?? now;
  const how = temporalStatus === 'TERMINATED' ? 'terminated' : 'timed out';
  return {
    rolloutId: row.rolloutId,
    workflowId: row.workflowId,
    expected: { status: row.status, version: row.version },
    temporalStatus,
    runId: execution.runId,
    closeTime,
    audit: {
      idempotencyKey: `reconcile/${row.workflowId}/${execution.runId}/${TERMINATED}`,
      rolloutId: row.rolloutId,
      actor: TEMPORAL_ACTOR,
      action: 'rollout.transition',
      target: 'TERMINATED',
      payload: {
        what: `${how} in Temporal (outside the engine) while ${row.status}`,
        temporalStatus,
        closeTime: closeTime.toISOString(),
        runId: execution.runId,
        previousStatus: row.status,
      },
    },
  };
}
