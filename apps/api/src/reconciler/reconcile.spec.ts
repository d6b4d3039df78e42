import { decide, endedOutsideQuery, FINAL_VERSION, quotable, type OpenRow } from './reconcile';

const row: OpenRow = {
  rolloutId: 'launch',
  workflowId: 'rollout-launch',
  status: 'WAITING_FOR_SIGN_OFF',
  version: 7,
};
const now = new Date('2026-12-01T10:00:00.000Z');
const closed = new Date('2026-12-01T09:59:30.000Z');

describe('decide', () => {
  test('a rollout terminated in Temporal becomes TERMINATED, audited as Temporal with its status and close time', () => {
    expect(decide(row, { runId: 'run-1', status: 'TERMINATED', closeTime: closed }, now)).toEqual({
      rolloutId: 'launch',
      workflowId: 'rollout-launch',
      expected: { status: 'WAITING_FOR_SIGN_OFF', version: 7 },
      temporalStatus: 'TERMINATED',
      runId: 'run-1',
      closeTime: closed,
      audit: {
        idempotencyKey: 'reconcile/rollout-launch/run-1/TERMINATED',
        rolloutId: 'launch',
        actor: 'temporal',
        action: 'rollout.transition',
        target: 'TERMINATED',
        payload: {
          what: 'terminated in Temporal (outside the engine) while WAITING_FOR_SIGN_OFF',
          temporalStatus: 'TERMINATED',
          closeTime: '2026-12-01T09:59:30.000Z',
          runId: 'run-1',
          previousStatus: 'WAITING_FOR_SIGN_OFF',
        },
      },
    });
  });

  test('a timed-out one too; without a close time, now stands in', () => {
    const d = decide({ ...row, status: 'ROLLBACK_FAILED' }, { runId: 'run-2', status: 'TIMED_OUT' }, now);
    expect(d).toMatchObject({
      temporalStatus: 'TIMED_OUT',
      closeTime: now,
      expected: { status: 'ROLLBACK_FAILED' },
    });
    expect(d?.audit.payload.what).toBe('timed out in Temporal (outside the engine) while ROLLBACK_FAILED');
  });

  test.each(['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'CONTINUED_AS_NEW'])(
    'a workflow %s in Temporal is left to the engine',
    (status) => expect(decide(row, { runId: 'r', status, closeTime: closed }, now)).toBeUndefined(),
  );

  test('a workflow Temporal no longer knows is left alone', () => {
    expect(decide(row, undefined, now)).toBeUndefined();
  });

  test.each(['COMPLETED', 'ROLLED_BACK', 'ABORTED', 'TERMINATED'])(
    'a row already %s is not touched',
    (status) => {
      expect(
        decide({ ...row, status }, { runId: 'r', status: 'TERMINATED', closeTime: closed }, now),
      ).toBeUndefined();
    },
  );

  test('the final version is the integer column’s largest value', () => {
    expect(FINAL_VERSION).toBe(2 ** 31 - 1);
  });
});

describe('endedOutsideQuery', () => {
  test('one visibility query for a page of workflow IDs', () => {
    expect(endedOutsideQuery(['rollout-a', 'rollout-b'])).toBe(
      "ExecutionStatus IN ('Terminated', 'TimedOut') AND WorkflowId IN ('rollout-a', 'rollout-b')",
    );
  });

  test('an ID that cannot be quoted safely is refused (the reconciler describes it on its own)', () => {
    expect(quotable("rollout-x' OR 1=1")).toBe(false);
    expect(quotable('rollout-release_2.1@eu:blue')).toBe(true);
    expect(() => endedOutsideQuery(["rollout-x'"])).toThrow(/cannot be quoted/);
  });
});
