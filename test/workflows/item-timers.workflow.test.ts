import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { validatePlan, type RolloutPlan, type RolloutPlanInput } from '../../libs/plan/src';
import type { Actor, PhaseState } from '../../workflows/engine/phase';
import {
  engineStateQuery,
  itemActionUpdate,
  phaseStateQuery,
  phaseWorkflowId,
  rolloutWorkflowId,
  signOffUpdate,
  type EngineState,
} from '../../workflows/engine/messages';
import { recordHistory } from '../support/histories';
import { startTimeSkipping, type TimeSkippingStack } from '../support/time-skipping';
import { rolloutWorkflowIds, startWebhookReceiver, terminateRunning, until as waitUntil } from '../support';

// Timers a checklist item brings into its phase, on the time-skipping server with the real workflows and
// activities: reminders and escalations arrive at a real HTTP receiver, as chat webhooks would.

jest.setTimeout(180_000);

const { EventType } = temporal.api.enums.v1;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const taskQueue = 'item-timers-test';
const olga: Actor = { id: 'olga', roles: ['operator'] };
const paula: Actor = { id: 'paula', roles: ['project-lead'] };
const rita: Actor = { id: 'rita', roles: ['release-manager'] };

let env: TestWorkflowEnvironment;
let stack: TimeSkippingStack;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  stack = await startTimeSkipping(taskQueue, {
    notifyDefaultUrl: `${receiver.url}/notify`,
    notifyUrls: { escalation: `${receiver.url}/escalation` },
  });
  ({ env } = stack);
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

/** Every rollout a test started, with its plan: none is left running into the next test's time skips. */
const startedRollouts = new Map<string, RolloutPlan>();
afterEach(async () => {
  const ids = [...startedRollouts].flatMap(([id, plan]) => rolloutWorkflowIds(id, plan));
  startedRollouts.clear();
  if (env) await terminateRunning(env.client, ids);
});

interface Notification {
  path: string;
  key: string;
  channel: string;
  message: string;
}
const notifications = (rolloutId: string): Notification[] =>
  receiver.received
    .map((r) => ({ path: r.path, key: String(r.headers['idempotency-key']), body: r.body as Notification }))
    .filter((r) => r.key.startsWith(`rollout-${rolloutId}-`))
    .map((r) => ({ path: r.path, key: r.key, channel: r.body.channel, message: r.body.message }));

function onePhasePlan(name: string, phase: RolloutPlanInput['phases'][number]): RolloutPlan {
  const result = validatePlan({
    apiVersion: 'rollout/v1',
    kind: 'RolloutPlan',
    metadata: { name },
    phases: [phase],
  } satisfies RolloutPlanInput);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

async function start(id: string, plan: RolloutPlan): Promise<WorkflowHandle> {
  startedRollouts.set(id, plan);
  return env.client.workflow.start('planRolloutWorkflow', {
    workflowId: rolloutWorkflowId(id),
    taskQueue,
    args: [{ rolloutId: id, plan, startedBy: 'rita' }],
  });
}

/** Polls (in real time, the server's clock standing still) until `check` holds for what `read` answers. */
const until = <T>(what: string, read: () => Promise<T>, check: (t: T) => boolean): Promise<T> =>
  waitUntil(what, async () => {
    const value = await read();
    return check(value) ? value : undefined;
  });

/** The phase's workflow, once the rollout has started it. */
async function phaseOf(rolloutId: string, phaseId: string): Promise<WorkflowHandle> {
  const child = env.client.workflow.getHandle(phaseWorkflowId(rolloutId, phaseId));
  await until(
    'the phase started',
    () => child.query(phaseStateQuery),
    () => true,
  );
  return child;
}

/** The summaries the phase gave its timers, as the Web UI shows them. */
async function timerSummaries(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events
    .filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED)
    .map((e) => {
      const summary = e.userMetadata?.summary;
      return summary ? defaultPayloadConverter.fromPayload<string>(summary) : '';
    });
}

test('a daily check-in over a 14-day soak sends 14 reminders, one a day with its own key, done or not', async () => {
  const plan = onePhasePlan('check-ins', {
    id: 'pilot',
    name: 'Pilot',
    duration: { min: 'P14D' },
    checklist: [{ id: 'daily-check-ins', title: 'Daily check-ins', kind: 'manual', every: 'P1D' }],
  });
  const handle = await start('check-ins', plan);
  const phase = await phaseOf('check-ins', 'pilot');
  const entered = (await phase.query(phaseStateQuery)).enteredAt;
  // Completing the item on day 0 does not stop its reminders: the check-in recurs while the phase runs.
  await phase.executeUpdate(itemActionUpdate, {
    args: [{ type: 'complete', itemId: 'daily-check-ins', actor: olga }],
  });
  await env.sleep(14 * DAY);
  // Reminders fall due at entry + n days. The 14th falls due the instant the soak ends, when the gate cannot
  // have been signed yet (a sign-off is refused while the soak runs), so the phase is still running: 14.
  const state = await until(
    'the 14th check-in',
    () => phase.query(phaseStateQuery),
    (s: PhaseState) => s.items[0].checkIns === 14 && notifications('check-ins').length === 14,
  );
  expect(state.items[0]).toMatchObject({ status: 'DONE', nextCheckInAt: entered + 15 * DAY });
  await phase.executeUpdate(signOffUpdate, { args: [{ actor: rita }] });
  const final = (await handle.result()) as EngineState;
  await recordHistory('phase-check-ins', phase);

  expect(final.status).toBe('COMPLETED');
  expect(final.phases[0].result?.items[0]).toMatchObject({ checkIns: 14, status: 'DONE' });
  const sent = notifications('check-ins');
  const wf = phaseWorkflowId('check-ins', 'pilot');
  expect(sent.map((n) => n.key)).toEqual(
    Array.from({ length: 14 }, (_, i) => `${wf}/daily-check-ins/check-in-${i + 1}`),
  );
  expect(new Set(sent.map((n) => n.key)).size).toBe(14);
  expect(sent.every((n) => n.path === '/notify' && n.channel === 'check-ins')).toBe(true);
  expect(sent[2].message).toBe('Check-in #3: "Daily check-ins" — Pilot (check-ins, rollout check-ins)');
  // A timer a day, named for the Web UI ("in 24 hours" once the reminder before it has taken a moment); the
  // 14th day's is the soak's, which ends with the 14th check-in.
  const summaries = await timerSummaries(phase);
  const checkIns = summaries.filter((s) => s.startsWith('Check-in'));
  for (const s of checkIns) expect(s).toMatch(/^Check-in #\d+: Daily check-ins, in (1 day|24 hours)$/);
  const numbers = new Set(checkIns.map((s) => Number(/#(\d+)/.exec(s)?.[1])));
  expect([...numbers].filter((n) => n <= 14)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  expect(summaries.filter((s) => s.startsWith('Soak'))).toEqual([
    expect.stringMatching(/^Soak: Pilot, (1 day|24 hours)$/),
  ]);
});

test('an approval not approved within its PT4H deadline escalates once; the phase waits on and completes', async () => {
  const plan = onePhasePlan('deadline', {
    id: 'pilot',
    name: 'Pilot',
    checklist: [
      {
        id: 'overrides',
        title: 'Quiet hour overrides approved by project lead',
        kind: 'approval',
        roles: ['project-lead'],
        deadline: 'PT4H',
      },
    ],
  });
  const handle = await start('deadline', plan);
  const phase = await phaseOf('deadline', 'pilot');
  // The work is done in time; the approval is not.
  await phase.executeUpdate(itemActionUpdate, {
    args: [{ type: 'complete', itemId: 'overrides', actor: olga }],
  });
  expect(new Set(await timerSummaries(phase))).toEqual(
    new Set(['Deadline: Quiet hour overrides approved by project lead, in 4 hours']),
  );
  await env.sleep(5 * HOUR);
  await until(
    'the escalation',
    () => Promise.resolve(notifications('deadline')),
    (n) => n.length === 1,
  );
  // A day later: still one escalation, and the phase still waits for the approval.
  await env.sleep(DAY);
  const overdue = await phase.query(phaseStateQuery);
  expect(overdue.items[0]).toMatchObject({ status: 'DONE', overdueAt: expect.any(Number) as unknown });
  expect(overdue.items[0].overdueAt! - overdue.enteredAt).toBeGreaterThanOrEqual(4 * HOUR);
  expect((await handle.query(engineStateQuery)).phases[0].status).toBe('RUNNING');
  expect(notifications('deadline')).toEqual([
    {
      path: '/escalation',
      key: `${phaseWorkflowId('deadline', 'pilot')}/overrides/deadline`,
      channel: 'escalation',
      message:
        'Overdue: "Quiet hour overrides approved by project lead" in Pilot (deadline, rollout deadline) is not approved 4 hours after the phase began',
    },
  ]);

  await phase.executeUpdate(itemActionUpdate, {
    args: [{ type: 'approve', itemId: 'overrides', actor: paula }],
  });
  await phase.executeUpdate(signOffUpdate, { args: [{ actor: rita }] });
  const final = (await handle.result()) as EngineState;
  await recordHistory('phase-deadline', phase);
  expect(final.status).toBe('COMPLETED');
  expect(final.phases[0].result?.items[0]).toMatchObject({
    status: 'APPROVED',
    approvedBy: 'paula',
    overdueAt: overdue.items[0].overdueAt,
  });
  expect(notifications('deadline')).toHaveLength(1);
});
