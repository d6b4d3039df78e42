import type { Client, WorkflowHandle } from '@temporalio/client';
import type { RolloutPlan } from '../../libs/plan/src';
import {
  engineStateQuery,
  hasEnded,
  phaseStateQuery,
  phaseWorkflowId,
  rolloutWorkflowId,
  type EngineState,
} from '../../workflows/engine/messages';
import { until, type UntilOptions } from './wait';

/**
 * Waits (in real time: on the time-skipping server the clock stands still meanwhile) until the rollout
 * runs the phase and the phase's own workflow answers queries. Fails at once if the rollout ended first.
 */
export async function inPhase(
  client: Client,
  handle: WorkflowHandle,
  phaseId: string,
  options: UntilOptions = {},
): Promise<EngineState> {
  let ended: EngineState | undefined;
  const state = await until(
    `rollout ${handle.workflowId} enters phase ${phaseId}`,
    async () => {
      const s = await handle.query(engineStateQuery);
      if (hasEnded(s.status)) return (ended = s);
      if (s.currentPhaseId !== phaseId || s.phases.find((p) => p.id === phaseId)?.status !== 'RUNNING')
        return undefined;
      await client.workflow.getHandle(phaseWorkflowId(s.rolloutId, phaseId)).query(phaseStateQuery);
      return s;
    },
    { intervalMs: 25, ...options },
  );
  if (ended) throw new Error(`rollout ${ended.rolloutId} ended (${ended.status}) before phase ${phaseId}`);
  return state;
}

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
