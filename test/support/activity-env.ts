import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';

/**
 * Runs activities inside a real activity context whose info names one scheduled activity (`activityId` of
 * workflow `workflowId`): calling it twice is what a Temporal retry of that activity looks like.
 */
export function inActivity(activityId: string, workflowId = 'rollout-test') {
  const env = new MockActivityEnvironment(
    { activityId, workflowExecution: { workflowId, runId: 'run-1' } },
    { logger: new DefaultLogger('ERROR') }, // the failures a test provokes are asserted, not logged
  );
  return <P extends unknown[], R>(fn: (...args: P) => Promise<R>, ...args: P): Promise<R> =>
    env.run(fn, ...args);
}
