import { ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  beforeDeadline,
  GRPC_ABORTED,
  GRPC_DEADLINE_EXCEEDED,
  GRPC_RESOURCE_EXHAUSTED,
  GRPC_UNAVAILABLE,
  grpcCodes,
  isTransientTemporalError,
  isWorkflowNotReady,
  retryTransient,
  TemporalDeadlineError,
} from './transient';

/** A gRPC error as @grpc/grpc-js makes it, wrapped the way the Temporal client rethrows it. */
function grpcError(code: number, details: string): ServiceError {
  const grpc = Object.assign(new Error(`${code} ${details}`), { code, details });
  return new ServiceError(`Failed: ${details}`, { cause: grpc });
}

const unprocessed = () =>
  new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({
      type: 'UnprocessedUpdate',
      message:
        "Workflow Update is rejected because it wasn't processed by worker. Probably, Workflow Update is not supported by the worker.",
      nonRetryable: true,
    }),
  );
const refused = () =>
  new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({ type: 'CONFLICT', message: 'Item "a" is already done', nonRetryable: true }),
  );

describe('isTransientTemporalError', () => {
  test('"not now" answers are transient: unprocessed Update, aborted Update, continuing run, overload', () => {
    expect(isTransientTemporalError(unprocessed())).toBe(true);
    // The frontend's answer when the Update registry was cleared (or the run continued as new) and its own
    // retries ran out: a retry under the same Update ID lands on the (new) run.
    expect(isTransientTemporalError(grpcError(GRPC_UNAVAILABLE, 'workflow update was aborted'))).toBe(true);
    expect(isTransientTemporalError(grpcError(GRPC_UNAVAILABLE, 'workflow is closing'))).toBe(true);
    expect(isTransientTemporalError(grpcError(GRPC_RESOURCE_EXHAUSTED, 'too many outstanding'))).toBe(true);
    expect(isTransientTemporalError(grpcError(GRPC_ABORTED, 'aborted'))).toBe(true);
    // A server-side limit (a query waits 30 s behind a busy workflow task), well before the action's deadline.
    expect(isTransientTemporalError(grpcError(GRPC_DEADLINE_EXCEEDED, 'context deadline exceeded'))).toBe(
      true,
    );
  });

  test("a refusal by the workflow, a missing workflow, the action's own deadline or a plain error are not", () => {
    expect(isTransientTemporalError(refused())).toBe(false);
    expect(isTransientTemporalError(new WorkflowUpdateFailedError('failed', undefined))).toBe(false);
    expect(isTransientTemporalError(grpcError(5, 'workflow not found'))).toBe(false);
    expect(isTransientTemporalError(new TemporalDeadlineError())).toBe(false);
    expect(isTransientTemporalError(new Error('boom'))).toBe(false);
    expect(isTransientTemporalError(undefined)).toBe(false);
  });

  test('WorkflowNotReady (a workflow whose task keeps failing) is told apart, and not retried', () => {
    const notReady = grpcError(9, 'Workflow is not ready');
    expect(isWorkflowNotReady(notReady)).toBe(true);
    expect(isTransientTemporalError(notReady)).toBe(false);
    expect(isWorkflowNotReady(grpcError(GRPC_UNAVAILABLE, 'x'))).toBe(false);
  });

  test('grpcCodes reads the codes along the cause chain', () => {
    expect(grpcCodes(grpcError(GRPC_UNAVAILABLE, 'x'))).toEqual([GRPC_UNAVAILABLE]);
    expect(grpcCodes(new Error('x', { cause: new Error('y', { cause: { code: 8 } }) }))).toEqual([8]);
    expect(grpcCodes(new Error('x'))).toEqual([]);
  });
});

describe('retryTransient', () => {
  test('tries again while the answer is "not now", then returns the outcome', async () => {
    const send = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(unprocessed())
      .mockRejectedValueOnce(grpcError(GRPC_UNAVAILABLE, 'workflow update was aborted'))
      .mockResolvedValueOnce('accepted');
    await expect(retryTransient(send, Date.now() + 60_000)).resolves.toBe('accepted');
    expect(send).toHaveBeenCalledTimes(3);
  });

  test('a refusal is thrown at once, never retried', async () => {
    const refusal = refused();
    const send = jest.fn<Promise<string>, []>().mockRejectedValue(refusal);
    await expect(retryTransient(send, Date.now() + 60_000)).rejects.toBe(refusal);
    expect(send).toHaveBeenCalledTimes(1);
  });

  test('gives up with the last error when the next try would start after the deadline', async () => {
    const last = grpcError(GRPC_UNAVAILABLE, 'still busy');
    const send = jest.fn<Promise<string>, []>().mockRejectedValue(last);
    const started = Date.now();
    await expect(retryTransient(send, started + 300)).rejects.toBe(last);
    // 50, 100, 200 ms (±20 %) back-off: a few tries, none begun after the deadline.
    expect(send.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(send.mock.calls.length).toBeLessThanOrEqual(4);
  });

  test('a caller may say what is transient', async () => {
    const send = jest
      .fn<Promise<number>, []>()
      .mockRejectedValueOnce(new Error('flaky'))
      .mockResolvedValue(1);
    await expect(retryTransient(send, Date.now() + 60_000, () => true)).resolves.toBe(1);
  });
});

describe('beforeDeadline', () => {
  test('answers with the work when it settles in time', async () => {
    await expect(beforeDeadline(Date.now() + 60_000, Promise.resolve('done'))).resolves.toBe('done');
    const err = new Error('no');
    await expect(beforeDeadline(Date.now() + 60_000, Promise.reject(err))).rejects.toBe(err);
  });

  test('answers DEADLINE_EXCEEDED at the deadline when the work has not settled', async () => {
    let settle: (v: string) => void = () => undefined;
    const work = new Promise<string>((resolve) => (settle = resolve));
    const answer = beforeDeadline(Date.now() + 50, work);
    await expect(answer).rejects.toBeInstanceOf(TemporalDeadlineError);
    await expect(answer).rejects.toMatchObject({ code: GRPC_DEADLINE_EXCEEDED });
    settle('late'); // settling afterwards is harmless
  });

  test('a late rejection is not left unhandled', async () => {
    let fail: (e: Error) => void = () => undefined;
    const work = new Promise<string>((_, reject) => (fail = reject));
    await expect(beforeDeadline(Date.now() + 10, work)).rejects.toBeInstanceOf(TemporalDeadlineError);
    fail(new Error('late'));
    await new Promise((resolve) => setImmediate(resolve));
  });
});
