import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { validatePlan, type RolloutPlanInput } from '../../libs/plan/src';
import { DEFAULT_POLICY } from '../../workflows/engine/actions';
import {
  itemActionUpdate,
  phaseStateQuery,
  signOffUpdate,
  type PhaseInput,
} from '../../workflows/engine/messages';
import type { Actor, PhaseState } from '../../workflows/engine/phase';
import { recordHistory } from '../support/histories';
import { temporalTools } from '../support/temporal-tools';
import { until } from '../support/wait';
import { createActivityContext } from '../support/worker-context';
import { refusalOf } from '../support/time-skipping';
import { answerReportsSignal, parentLogQuery } from './fixtures/phase-parent.workflows';

// The phase's side of the protocol with its rollout, against a stand-in parent that logs what it is told and
// answers progress reports when the test lets it: phaseEntered in the phase's first workflow task; an action
// that changes WAITING_FOR_SIGN_OFF answers only once the rollout has recorded it; a sign-off refused early
// names what is missing. On the time-skipping server with the real phase workflow and activities.

jest.setTimeout(300_000);

const { EventType } = temporal.api.enums.v1;
const taskQueue = 'phase-protocol-test';
const olga: Actor = { id: 'olga', roles: ['operator'] };
const rita: Actor = { id: 'rita', roles: ['release-manager'] };

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let ctx: Awaited<ReturnType<typeof createActivityContext>>;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTools().testServer } },
  });
  ctx = await createActivityContext();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: join(__dirname, 'fixtures/phase-parent.workflows.ts'),
      logger: {
        log: () => undefined,
        trace: () => undefined,
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    }),
    activities: ctx.activities,
  });
  running = worker.run();
});

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await ctx?.close();
  await env?.teardown();
});

function phaseInput(rolloutId: string, phase: RolloutPlanInput['phases'][number]): PhaseInput {
  const result = validatePlan({
    apiVersion: 'rollout/v1',
    kind: 'RolloutPlan',
    metadata: { name: 'protocol' },
    phases: [phase],
  } satisfies RolloutPlanInput);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return {
    rolloutId,
    plan: 'protocol',
    phase: result.plan.phases[0],
    gateRoles: [],
    policy: DEFAULT_POLICY,
    timeScale: 1,
  };
}

const onePhase = { id: 'pilot', name: 'Pilot' } as const;
const events = async (handle: WorkflowHandle) => (await handle.fetchHistory()).events ?? [];

test('phaseEntered goes out in the first workflow task; an action that changes WAITING_FOR_SIGN_OFF answers once the rollout recorded it', async () => {
  const input = phaseInput('proto-1', {
    ...onePhase,
    checklist: [{ id: 'smoke', title: 'Smoke tests pass', kind: 'manual' }],
  });
  const parent = await env.client.workflow.start('phaseParentWorkflow', {
    workflowId: 'proto-1-parent',
    taskQueue,
    args: [{ ...input, recordsProgress: true }, 'proto-1-phase', false],
  });
  const phase = env.client.workflow.getHandle('proto-1-phase');
  await until('the parent is told the phase entered', async () =>
    (await parent.query(parentLogQuery)).includes('entered pilot'),
  );
  // The signal is a command of the phase's first workflow task: between its first WorkflowTaskCompleted and
  // the next task.
  const history = await events(phase);
  const firstDone = history.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const nextTask = history.findIndex(
    (e, i) => i > firstDone && e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  );
  const firstCommands = history.slice(firstDone + 1, nextTask < 0 ? undefined : nextTask);
  expect(
    firstCommands
      .filter((e) => e.eventType === EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED)
      .map((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName),
  ).toEqual(['phaseEntered']);

  // Completing the last item leaves only the sign-off: the parent is told, and holds its answer.
  let answered = false;
  const completing = phase
    .executeUpdate(itemActionUpdate, { args: [{ type: 'complete', itemId: 'smoke', actor: olga }] })
    .finally(() => (answered = true));
  await until('the parent is told only the sign-off is left', async () =>
    (await parent.query(parentLogQuery)).includes('progress true'),
  );
  // Audited already (the entry is written before the report), yet not answered: the rollout has not recorded it.
  expect((await ctx.auditRows('proto-1')).map((a) => a.action)).toEqual(['checklist.complete']);
  expect(answered).toBe(false);
  await parent.signal(answerReportsSignal, true);
  const state = await completing;
  expect(state.items[0]).toMatchObject({ status: 'DONE', doneBy: 'olga' });

  // In the phase's history the Update completes after the parent's phaseProgressRecorded arrived.
  const after = await events(phase);
  const recordedAt = after.findIndex(
    (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'phaseProgressRecorded',
  );
  const completedAt = after.findIndex(
    (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
  );
  expect(recordedAt).toBeGreaterThan(0);
  expect(completedAt).toBeGreaterThan(recordedAt);

  // The sign-off changes it back; the phase ends once the rollout has recorded that too.
  await phase.executeUpdate(signOffUpdate, { args: [{ actor: rita }] });
  expect(((await parent.result()) as PhaseState).gate.signedBy).toBe('rita');
  // Reported once each (the handler reports; the loop does not again), and each recorded before the next.
  expect(await parent.query(parentLogQuery)).toEqual([
    'entered pilot',
    'progress true',
    'recorded true',
    'progress false',
    'recorded false',
  ]);
  await recordHistory('phase-progress-recorded', phase);
});

test('under a rollout that does not record progress (started before the protocol), an action answers at once', async () => {
  const input = phaseInput('proto-3', {
    ...onePhase,
    checklist: [{ id: 'smoke', title: 'Smoke tests pass', kind: 'manual' }],
  });
  // The stand-in never answers here, as a rollout started before the protocol would not.
  const parent = await env.client.workflow.start('phaseParentWorkflow', {
    workflowId: 'proto-3-parent',
    taskQueue,
    args: [input, 'proto-3-phase', false],
  });
  const phase = env.client.workflow.getHandle('proto-3-phase');
  await until('the phase entered', async () =>
    (await parent.query(parentLogQuery)).includes('entered pilot'),
  );
  const state = await phase.executeUpdate(itemActionUpdate, {
    args: [{ type: 'complete', itemId: 'smoke', actor: olga }],
  });
  expect(state.items[0].status).toBe('DONE');
  await until('the loop told the parent', async () =>
    (await parent.query(parentLogQuery)).includes('progress true'),
  );
  await phase.executeUpdate(signOffUpdate, { args: [{ actor: rita }] });
  expect(((await parent.result()) as PhaseState).gate.signedBy).toBe('rita');
  expect(await parent.query(parentLogQuery)).toEqual(['entered pilot', 'progress true', 'progress false']);
});

test('a sign-off refused early names the open items, the soak end and the signers; the details say the same', async () => {
  const input = phaseInput('proto-2', {
    ...onePhase,
    duration: { min: 'P7D' },
    checklist: [
      { id: 'smoke', title: 'Smoke tests pass', kind: 'manual' },
      { id: 'finance', title: 'Payment instructions confirmed', kind: 'approval', roles: ['finance'] },
    ],
  });
  // Without a parent: the phase answers at once (nothing to wait for).
  const phase = await env.client.workflow.start('phaseWorkflow', {
    workflowId: 'proto-2-phase',
    taskQueue,
    args: [input],
  });
  const { enteredAt } = await phase.query(phaseStateQuery);
  const soakEnds = new Date(enteredAt + 7 * 86_400_000).toISOString().replace('.000Z', 'Z');
  const refused = await refusalOf(phase.executeUpdate(signOffUpdate, { args: [{ actor: rita }] }));
  expect(refused.type).toBe('CONFLICT');
  expect(refused.message).toBe(
    'Phase pilot is not ready for sign-off: ' +
      'open items: smoke "Smoke tests pass", finance "Payment instructions confirmed"; ' +
      `soak until ${soakEnds} (in 6 d 23 h); then sign-off by admin or release-manager`,
  );
  const state = await phase.executeUpdate(itemActionUpdate, {
    args: [{ type: 'complete', itemId: 'smoke', actor: olga }],
  });
  expect(state.items[0].status).toBe('DONE');

  // The phase's current details (the Web UI's "Current details") use the same words, one line each.
  const details = await until('the details no longer name the completed item', async () => {
    const meta = await phase.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    return meta.currentDetails?.includes('smoke') ? undefined : meta.currentDetails;
  });
  expect(details.split('\n')).toEqual([
    '**Pilot** (protocol, rollout proto-2) — waiting for:',
    '- open items: finance "Payment instructions confirmed"',
    expect.stringMatching(new RegExp(`^- soak until ${soakEnds.replace(/[.]/g, '\\.')} \\(in 6 d 23 h\\)$`)),
    '- sign-off by admin or release-manager',
  ]);
  await phase.terminate('test done');
});
