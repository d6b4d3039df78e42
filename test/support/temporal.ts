import type { Client } from '@temporalio/client';
import type { RolloutPlan } from '../../libs/plan/src';
import { phaseWorkflowId, rolloutWorkflowId } from '../../workflows/engine/messages';
import { until } from './wait';

// No helper here waits for a rollout to enter a phase: an answer that names a phase means its workflow runs,
// and where a test has no such answer, the rollout's awaitPhase Update (workflows/engine/messages.ts) waits.

/** The workflow ids a rollout of this plan can have: its own and one per phase. */
export const rolloutWorkflowIds = (rolloutId: string, plan: RolloutPlan): string[] => [
  rolloutWorkflowId(rolloutId),
  ...plan.phases.map((p) => phaseWorkflowId(rolloutId, p.id)),
];

/**
 * Terminates each of these workflows that is still running, children included by id: on the time-skipping
 * test server, terminating a parent leaves its children running (until their 10-year execution timeout),
 * their timers firing into whatever test runs next. Unknown or closed workflows are skipped.
 */
export async function terminateRunning(client: Client, workflowIds: readonly string[], reason = 'test over') {
  const terminated: string[] = [];
  for (const id of workflowIds) {
    const handle = client.workflow.getHandle(id);
    const running = await handle.describe().then(
      (d) => d.status.name === 'RUNNING',
      () => false,
    );
    if (
      running &&
      (await handle.terminate(reason).then(
        () => true,
        () => false,
      ))
    )
      terminated.push(id);
  }
  return terminated;
}

/**
 * Queries `workflowId` until a worker answers, within `timeoutMs` of real time. After a worker is killed,
 * one query can wait out the server's 30 s deadline on the dead worker's sticky queue and fail; the next
 * one is dispatched to the normal task queue, where the new worker takes it.
 */
export async function queryUntilAnswered<T = unknown>(
  client: Client,
  workflowId: string,
  query: string,
  timeoutMs = 120_000,
): Promise<T> {
  return until(
    `${workflowId} answers ${query}`,
    () =>
      client.workflow
        .getHandle(workflowId)
        .query<T>(query)
        .then((state) => ({ state })),
    { timeoutMs, intervalMs: 500 },
  ).then((answer) => answer.state);
}
