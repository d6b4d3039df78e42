import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../apps/cli/src/simulate/workflow-bundle';
import type { AdaptersConfig } from '../../activities';
import { registerRolloutSearchAttributes } from '../../libs/temporal/src';
import { temporalTools } from './temporal-tools';
import { createActivityContext } from './worker-context';

/** The time-skipping test server with the search attributes, and a worker running the real workflows and activities. */
export interface TimeSkippingStack {
  env: TestWorkflowEnvironment;
  ctx: Awaited<ReturnType<typeof createActivityContext>>;
  stop(): Promise<void>;
}

export async function startTimeSkipping(
  taskQueue: string,
  adapters?: Partial<AdaptersConfig>,
): Promise<TimeSkippingStack> {
  const env = await createTimeSkippingEnv();
  await registerRolloutSearchAttributes(env.connection, 'default');
  const ctx = await createActivityContext({ adapters });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    // Bundled once per version of the workflow code and cached (the CLI's simulate does the same): every
    // suite bundling anew took seconds of CPU each, many times that on a busy machine.
    workflowBundle: await workflowBundle(),
    activities: ctx.activities,
  });
  const running = worker.run();
  return {
    env,
    ctx,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await ctx.close();
      await env.teardown();
    },
  };
}

/**
 * The time-skipping test server. The SDK gives its client 10 s to connect to the freshly started server and
 * takes no longer deadline for this environment; a machine busy enough can miss it, so a start that could
 * not connect is tried again (twice) rather than failing the whole suite.
 */
async function createTimeSkippingEnv(attempts = 3): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: temporalTools().testServer } },
      });
    } catch (err) {
      if (attempt >= attempts || !/Failed to connect before the deadline/.test(String(err))) throw err;
    }
  }
}

/** The business failure an Update was refused with (the test fails if it was accepted). */
export async function refusalOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}
