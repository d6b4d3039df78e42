// What an audit entry written by a workflow means for the worker's metrics. Pure: the audit activity passes
// each entry it wrote (never one a retry found already written), the worker counts what this returns.

/** The audit entry's fields that matter here. */
export interface AuditFacts {
  action: string;
  target: string;
  payload: Record<string, unknown>;
}

export type AuditMetricEvent =
  | {
      kind: 'transition';
      status: string;
      phaseEntered: boolean;
      rollbackStarted: boolean;
      rollbackOutcome?: string;
    }
  | { kind: 'breach'; guardrail: string };

/** Statuses a rollback ends in; each is observed with its duration from the rollback's start. */
export const ROLLBACK_OUTCOMES = ['ROLLED_BACK', 'ROLLBACK_FAILED'] as const;

const what = (payload: Record<string, unknown>): string =>
  typeof payload.what === 'string' ? payload.what : '';

/**
 * The transition texts are the workflow's own (plan-rollout.workflow.ts, rollback-runner.ts): `entered phase …`
 * when a phase's workflow runs, `rollback (<level>) by …` when a rollback starts (a retried or resolved step
 * keeps ROLLING_BACK with another text).
 */
export function auditMetricEvent(entry: AuditFacts): AuditMetricEvent | undefined {
  if (entry.action === 'guardrail.breach') return { kind: 'breach', guardrail: entry.target };
  if (entry.action !== 'rollout.transition') return undefined;
  const text = what(entry.payload);
  const status = entry.target;
  return {
    kind: 'transition',
    status,
    phaseEntered: text.startsWith('entered phase '),
    rollbackStarted: status === 'ROLLING_BACK' && text.startsWith('rollback ('),
    ...((ROLLBACK_OUTCOMES as readonly string[]).includes(status) && { rollbackOutcome: status }),
  };
}

/** Whether an audit entry is the start of a rollback (to find the one an outcome ends). */
export const isRollbackStart = (entry: AuditFacts): boolean =>
  entry.action === 'rollout.transition' &&
  entry.target === 'ROLLING_BACK' &&
  what(entry.payload).startsWith('rollback (');
