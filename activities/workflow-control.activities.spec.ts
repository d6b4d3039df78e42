import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { WorkflowControlActivities } from './workflow-control.activities';

/** A client whose handles answer `cancel` with `outcome`, recording the workflow ids asked. */
function clientCancelling(outcome: () => Promise<void>) {
  const asked: string[] = [];
  const client = {
    // The activity context runs each call under the activity's abort signal.
    withAbortSignal: (_signal: AbortSignal, fn: () => Promise<unknown>) => fn(),
    workflow: {
      getHandle: (workflowId: string, runId?: string) => ({
        cancel: () => {
          asked.push(runId ? `${workflowId}/${runId}` : workflowId);
          return outcome();
        },
      }),
    },
  } as unknown as Client;
  return { client, asked };
}

const run = (client: Client, workflowId: string) =>
  new MockActivityEnvironment({}, { client, logger: new DefaultLogger('ERROR') }).run(
    (input: { workflowId: string }) => new WorkflowControlActivities().cancelCurrentRun(input),
    { workflowId },
  );

test('cancels the workflow by id alone, so the request reaches the run it has continued into', async () => {
  const { client, asked } = clientCancelling(() => Promise.resolve());
  await expect(run(client, 'rollout-r1-phase-pilot')).resolves.toBe('requested');
  expect(asked).toEqual(['rollout-r1-phase-pilot']);
});

test('a workflow already closed has nothing to cancel', async () => {
  const { client } = clientCancelling(() =>
    Promise.reject(new WorkflowNotFoundError('workflow execution already completed', 'w', undefined)),
  );
  await expect(run(client, 'rollout-r1-phase-pilot')).resolves.toBe('closed');
});

test('any other failure is the activity failing (Temporal retries it)', async () => {
  const { client } = clientCancelling(() => Promise.reject(new Error('connection refused')));
  await expect(run(client, 'rollout-r1-phase-pilot')).rejects.toThrow('connection refused');
});
