import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

/** gRPC status codes (see @grpc/grpc-js `status`) that say "not now", never "no". */
export const GRPC_DEADLINE_EXCEEDED = 4;
export const GRPC_RESOURCE_EXHAUSTED = 8;
/** Temporal's WorkflowNotReady (among others): e.g. the workflow's tasks keep failing, so it cannot answer. */
export const GRPC_FAILED_PRECONDITION = 9;
export const GRPC_ABORTED = 10;
export const GRPC_UNAVAILABLE = 14;
// DEADLINE_EXCEEDED too: the server's own limits (a query waits at most 30 s for a busy workflow task) end
// calls long before an action's deadline; retryTransient never tries again once that deadline has passed.
const RETRYABLE_CODES = new Set([
  GRPC_DEADLINE_EXCEEDED,
  GRPC_RESOURCE_EXHAUSTED,
  GRPC_ABORTED,
  GRPC_UNAVAILABLE,
]);

/** The gRPC status codes found along an error's `cause` chain (a ServiceError wraps the gRPC error). */
export function grpcCodes(err: unknown): number[] {
  const codes: number[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') codes.push(code);
  }
  return codes;
}

/**
 * Whether an Update (or any call) failed for a reason that a retry under the same Update ID may overcome:
 * the server rejected the Update because no worker processed it ("wasn't processed by worker"), or it
 * answered UNAVAILABLE (e.g. the workflow was continuing as new), RESOURCE_EXHAUSTED (too many Updates in
 * flight on one workflow), ABORTED, or DEADLINE_EXCEEDED from a server-side limit (a query behind a slow task). A refusal by the workflow's validator is never transient.
 */
export function isTransientTemporalError(err: unknown): boolean {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    return (
      cause instanceof ApplicationFailure &&
      (/^UnprocessedUpdate/.test(cause.type ?? '') || /wasn't processed by worker/.test(cause.message))
    );
  }
  if (err instanceof TemporalDeadlineError) return false; // the action's own deadline: no time left
  return grpcCodes(err).some((c) => RETRYABLE_CODES.has(c));
}

/**
 * Whether Temporal refused because the workflow cannot run now (WorkflowNotReady: its workflow task failed,
 * e.g. a worker that cannot replay it). Updates so refused were not seen by the workflow; queries were not
 * answered. Not retried here (the server answers so to stop retries), but never an internal error either.
 */
export function isWorkflowNotReady(err: unknown): boolean {
  return grpcCodes(err).includes(GRPC_FAILED_PRECONDITION);
}

/**
 * Runs `send` until it succeeds, fails for good, or `deadline` (epoch ms) would pass before the next try;
 * then the last error is thrown. Backs off from 50 ms to 1 s, with jitter. `send` must be idempotent: an
 * Update is, when every try carries the same Update ID (the server answers a repeat with the first outcome).
 */
export async function retryTransient<T>(
  send: () => Promise<T>,
  deadline: number,
  isTransient: (err: unknown) => boolean = isTransientTemporalError,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const delay = Math.min(1000, 50 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
      if (!isTransient(err) || Date.now() + delay >= deadline) throw err;
      await sleep(delay);
    }
  }
}

/** The action deadline passed before Temporal answered (carries DEADLINE_EXCEEDED, as gRPC's own would). */
export class TemporalDeadlineError extends Error {
  readonly code = GRPC_DEADLINE_EXCEEDED;
  constructor() {
    super('Temporal did not answer before the deadline');
    this.name = 'TemporalDeadlineError';
  }
}

/**
 * `work`'s outcome, or a TemporalDeadlineError at `deadline` (epoch ms) if it has none by then. The gRPC
 * deadline alone does not bound an answer: the client's retry interceptor may sleep past it before the
 * call it retries fails.
 */
export async function beforeDeadline<T>(deadline: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TemporalDeadlineError()), Math.max(0, deadline - Date.now()));
  });
  work.catch(() => undefined); // settled after the deadline: nobody waits for it any more
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
