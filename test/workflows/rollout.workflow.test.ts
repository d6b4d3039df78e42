import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../apps/cli/src/simulate/workflow-bundle';
import {
  completeChecklistItemUpdate,
  getRolloutStateQuery,
  rolloutWorkflowId,
  type RolloutState,
} from '../../workflows/messages';
import type { rolloutWorkflow } from '../../workflows';
import { RolloutPhaseKey, RolloutStatusKey } from '../../workflows/search-attributes';
import { twoPhaseRollout } from '../support/plans';
import { recordedHistories, recordHistory } from '../support/histories';
import { refusalOf, startTimeSkipping, type TimeSkippingStack } from '../support/time-skipping';

// Generous: the work takes seconds, a machine busy with other work makes that many times longer.
jest.setTimeout(300_000);

const { EventType } = temporal.api.enums.v1;
const taskQueue = 'rollout-workflow-test';

let env: TestWorkflowEnvironment;
let ctx: TimeSkippingStack['ctx'];
let stack: TimeSkippingStack;

beforeAll(async () => {
  stack = await startTimeSkipping(taskQueue);
  ({ env, ctx } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

async function start(id: string): Promise<WorkflowHandle<typeof rolloutWorkflow>> {
  return env.client.workflow.start('rolloutWorkflow', {
    workflowId: rolloutWorkflowId(id),
    taskQueue,
    args: [twoPhaseRollout(id)],
  }) as Promise<WorkflowHandle<typeof rolloutWorkflow>>;
}

const complete = (handle: WorkflowHandle, itemId: string, actor = 'bob'): Promise<RolloutState> =>
  handle.executeUpdate(completeChecklistItemUpdate, { args: [{ itemId, actor, note: `${itemId} done` }] });

async function historyLength(handle: WorkflowHandle): Promise<number> {
  return (await handle.fetchHistory()).events?.length ?? 0;
}

test('runs the phases in order as their checklists complete, and audits each step', async () => {
  const handle = await start('wf-happy');
  let state = await handle.query(getRolloutStateQuery);
  expect(state.currentPhaseId).toBe('staging');
  expect(state.phases.map((p) => p.status)).toEqual(['RUNNING', 'PENDING']);

  state = await complete(handle, 'smoke-tests');
  expect(state.phases[0].checklist[0]).toMatchObject({
    completed: true,
    completedBy: 'bob',
    note: 'smoke-tests done',
  });
  expect(state.currentPhaseId).toBe('staging');

  await recordHistory('in-progress-staging', handle);

  await complete(handle, 'runbook-reviewed');
  state = await handle.query(getRolloutStateQuery);
  expect(state.currentPhaseId).toBe('production');
  expect(state.phases.map((p) => p.status)).toEqual(['COMPLETED', 'RUNNING']);

  await complete(handle, 'go-no-go', 'carol');
  const result = await handle.result();
  expect(result.status).toBe('COMPLETED');
  expect(result.phases.every((p) => p.status === 'COMPLETED')).toBe(true);

  const description = await handle.describe();
  expect(description.typedSearchAttributes.get(RolloutStatusKey)).toBe('COMPLETED');
  expect(description.typedSearchAttributes.get(RolloutPhaseKey)).toBe('production');

  const audit = await ctx.auditRows('wf-happy');
  expect(audit.map((a) => [a.action, a.target, a.actor])).toEqual([
    ['rollout.start', 'walking-skeleton', 'alice'],
    ['checklist.complete', 'smoke-tests', 'bob'],
    ['checklist.complete', 'runbook-reviewed', 'bob'],
    ['checklist.complete', 'go-no-go', 'carol'],
    ['rollout.complete', 'walking-skeleton', 'engine'],
  ]);

  await recordHistory('completed', handle);
});

test('refused updates return a typed failure and leave no event in history', async () => {
  const handle = await start('wf-refusals');
  await complete(handle, 'smoke-tests');
  const before = await historyLength(handle);

  const unknown = await refusalOf(complete(handle, 'no-such-item'));
  expect(unknown.type).toBe('NOT_FOUND');
  expect(unknown.message).toMatch(/"no-such-item" does not exist/);

  const again = await refusalOf(complete(handle, 'smoke-tests'));
  expect(again.type).toBe('CONFLICT');
  expect(again.message).toMatch(/already completed by bob/);

  const future = await refusalOf(complete(handle, 'go-no-go'));
  expect(future.type).toBe('CONFLICT');
  expect(future.message).toMatch(/not the current phase/);

  // The time-skipping server has no speculative workflow tasks, so each refusal leaves an empty workflow
  // task behind (scheduled/started/completed) but nothing of the update itself, no activity and no
  // state change. The dev server drops even those; the end-to-end suite checks the exact length there.
  const added = ((await handle.fetchHistory()).events ?? [])
    .slice(before)
    .map((e) => EventType[e.eventType ?? 0]);
  expect(new Set(added)).toEqual(
    new Set([
      'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
      'EVENT_TYPE_WORKFLOW_TASK_STARTED',
      'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
    ]),
  );
  const state = await handle.query(getRolloutStateQuery);
  expect(state.phases[0].checklist.map((i) => i.completed)).toEqual([true, false]);
  expect(state.phases[1].checklist[0].completed).toBe(false);
  await handle.terminate('test done');
});

test('recorded histories replay against the current workflow code', async () => {
  const histories = recordedHistories();
  expect(histories.length).toBeGreaterThanOrEqual(5);
  // One bundle for all of them (bundling per history took most of this test's time).
  const bundle = await workflowBundle();
  for (const { name, history } of histories) {
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, name)).resolves.toBeUndefined();
  }
});
