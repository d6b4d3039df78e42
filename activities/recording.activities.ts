import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { RolloutActivities } from './index';

/** One outward call a recording adapter took instead of making it. */
export interface RecordedCall {
  /** Workflow time when the activity was scheduled (simulated time on the time-skipping server). */
  at: number;
  workflowId: string;
  adapter: 'notify' | 'hook' | 'flags';
  /** What it would have done, in a line. */
  what: string;
  /** The rollback step, for hooks. */
  stepId?: string;
  idempotencyKey?: string;
  ok: boolean;
}

export interface RecordingOptions {
  /** Steps that fail every time: a rollback step id, or a kind (revert-deployment, notify, ...). */
  fail?: readonly string[];
  record: (call: RecordedCall) => void;
}

/**
 * Adapters for simulations and rehearsals: messages and deployment/data hooks are recorded, not sent, and
 * the listed steps fail (non-retryably, as a refusing receiver would). The flag store, audit log and
 * projection stay real, so a rehearsal leaves the same evidence a rollout does.
 */
export function recordingActivities(real: RolloutActivities, options: RecordingOptions): RolloutActivities {
  const fails = new Set(options.fail ?? []);
  const where = () => {
    const info = Context.current().info;
    return {
      at: info.currentAttemptScheduledTimestampMs,
      workflowId: info.workflowExecution?.workflowId ?? '(no workflow)',
    };
  };
  return {
    ...real,
    notify(input) {
      const failing = fails.has('notify') || fails.has(input.channel);
      options.record({
        ...where(),
        adapter: 'notify',
        what: `message to ${input.channel}${input.audience ? ` (${input.audience})` : ''}: ${input.message}`,
        idempotencyKey: input.idempotencyKey,
        ok: !failing,
      });
      if (failing)
        return Promise.reject(
          ApplicationFailure.nonRetryable(`simulated failure of channel ${input.channel}`),
        );
      return Promise.resolve({ status: 'recorded' });
    },
    callHook(input) {
      const failing = fails.has(input.kind) || fails.has(input.stepId);
      options.record({
        ...where(),
        adapter: 'hook',
        what: `${input.kind} hook for step ${input.stepId}`,
        stepId: input.stepId,
        idempotencyKey: input.idempotencyKey,
        ok: !failing,
      });
      if (failing)
        return Promise.reject(
          ApplicationFailure.nonRetryable(`simulated failure of ${input.kind} (step ${input.stepId})`),
        );
      return Promise.resolve({ status: 200 });
    },
    async setFlags(input) {
      const result = await real.setFlags(input);
      options.record({ ...where(), adapter: 'flags', what: `flags set: ${describe(input.flags)}`, ok: true });
      return result;
    },
    async restoreFlags(input) {
      await real.restoreFlags(input);
      options.record({
        ...where(),
        adapter: 'flags',
        what: `flags restored: ${describe(input.previous)}`,
        ok: true,
      });
    },
    queryMetric() {
      return Promise.reject(
        ApplicationFailure.nonRetryable('a simulation reads its scenario, not a metrics source'),
      );
    },
    watchMetrics() {
      return Promise.reject(
        ApplicationFailure.nonRetryable('a simulation reads its scenario, not a metrics source'),
      );
    },
  };
}

const describe = (flags: Record<string, unknown>): string =>
  Object.entries(flags)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ') || '(none)';
