import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { FlagsActivities } from '../../activities';
import { durationToMillis, parsePlanDocument, type RolloutPlan } from '../../libs/plan/src';
import type { Actor } from '../../workflows/engine/phase';
import {
  abortUpdate,
  awaitPhaseUpdate,
  engineStateQuery,
  pauseUpdate,
  resumeUpdate,
  completeReviewUpdate,
  confirmManualStepUpdate,
  checkResultSignal,
  itemActionUpdate,
  metricReadingSignal,
  phaseStateQuery,
  phaseWorkflowId,
  resolveRollbackStepUpdate,
  retryRollbackStepUpdate,
  rollbackUpdate,
  rolloutWorkflowId,
  signOffUpdate,
  type EngineState,
  type RolloutParameters,
} from '../../workflows/engine/messages';
import { FlagChange, FlagValue, RolloutProjection } from '../../libs/persistence/src';
import { RolloutStatusKey } from '../../workflows/search-attributes';
import { recordHistory } from '../support/histories';
import { sendItemAction, sendSignOff } from '../../libs/temporal/src';
import { refusalOf, startTimeSkipping, type TimeSkippingStack } from '../support/time-skipping';
import {
  rolloutWorkflowIds,
  startFakeAdapters,
  terminateRunning,
  until,
  type FakeAdapters,
  type ReceivedRequest,
} from '../support';

// Generous: a test's own work takes seconds, but a machine busy with other work may be many times slower.
jest.setTimeout(300_000);

const { EventType } = temporal.api.enums.v1;
const DAY = 86_400_000;
const taskQueue = 'plan-rollout-test';
const ops: Actor = { id: 'olga', roles: ['operator'] };
const rm: Actor = { id: 'rita', roles: ['release-manager'] };

const seed = (file: string): RolloutPlan => {
  const parsed = parsePlanDocument(readFileSync(join(__dirname, '../../examples', file), 'utf8'));
  if (!parsed.ok) throw new Error(`example ${file} is invalid`);
  return parsed.plan;
};
const merchant = seed('merchant-platform.plan.yaml');
const adminPanel = seed('admin-panel.plan.yaml');
/** What applications saw before a rollout: the store's values, and a plan flag the store lacks at its default. */
const seenBefore = async () => ({
  ...Object.fromEntries(merchant.flags.map((f) => [f.key, f.default])),
  ...(await flags()),
});

/**
 * A real HTTP server standing in for Prometheus and the deploy, data-recovery and chat endpoints; it records
 * every call. Prometheus answers error_rate 1 before `breachFrom` (epoch s, the query's `time`) and 9 from
 * it on.
 */
let adapters: FakeAdapters;
let breachFrom = Infinity;

/**
 * What one rollout sent to the adapters, in order (each test runs its own rollouts: calls are told apart by
 * the rollout id in their body, never by their position among everyone's calls).
 */
interface Received {
  path: string;
  key?: string;
  body: Record<string, unknown>;
}
// The notices that ask people to act (`actions` channel: gate ready …) are proven in test/e2e/notices.e2e.ts;
// they go out beside the rollout's own calls, not in their order.
const receivedBy = (rolloutId: string): Received[] =>
  adapters
    .of(rolloutId)
    .filter((r: ReceivedRequest) => (r.body as { channel?: string } | undefined)?.channel !== 'actions')
    .map((r: ReceivedRequest) => ({
      path: r.path,
      key: r.headers['idempotency-key'] as string | undefined,
      body: (r.body ?? {}) as Record<string, unknown>,
    }));

let env: TestWorkflowEnvironment;
let ctx: TimeSkippingStack['ctx'];
let stack: TimeSkippingStack;

beforeAll(async () => {
  adapters = await startFakeAdapters({
    prometheus: (metric, time) => (metric !== 'error_rate' ? '0' : time >= breachFrom ? '9' : '1'),
  });
  stack = await startTimeSkipping(taskQueue, adapters.config);
  ({ env, ctx } = stack);
});

afterAll(async () => {
  await stack?.stop();
  await adapters?.close();
});

/** Every rollout a test started, by id, with its plan (for its phase workflows' ids). */
const startedRollouts = new Map<string, RolloutPlan>();

// Every test starts as a fresh deployment would: an empty flag store (what a rollout wrote before, or one a
// test aborted on purpose, is not what the next test's applications saw), no calls received, a healthy
// Prometheus.
beforeEach(async () => {
  adapters.reset();
  adapters.failPaths.clear();
  breachFrom = Infinity;
  const em = ctx.orm.em.fork();
  await em.nativeDelete(FlagChange, {});
  await em.nativeDelete(FlagValue, {});
});

// No test leaves work behind for the next one. A rollout still running (a test that failed or timed out, or
// one that does not drive its rollout to the end) would go on firing timers and activities into the next
// test's time skips: check-in messages among its webhook calls, its clock leaping to a leftover's 10-year
// execution timeout, its skips slowed by someone else's work. Terminating the rollout is not enough on the
// time-skipping server: its phase workflows keep running, so each is terminated by id.
afterEach(async () => {
  const ids = [...startedRollouts].flatMap(([id, plan]) => rolloutWorkflowIds(id, plan));
  startedRollouts.clear();
  if (env) await terminateRunning(env.client, ids);
});

const flags = () => ctx.app.get(FlagsActivities).currentFlags();

async function start(id: string, plan: RolloutPlan, parameters?: RolloutParameters): Promise<WorkflowHandle> {
  startedRollouts.set(id, plan);
  return env.client.workflow.start('planRolloutWorkflow', {
    workflowId: rolloutWorkflowId(id),
    taskQueue,
    args: [{ rolloutId: id, plan, startedBy: 'rita', parameters }],
  });
}

/**
 * The rollout's answer once it has entered the phase (the awaitPhase Update: it answers once the phase's
 * workflow runs, so an action sent at once is routed and accepted). No polling.
 */
async function enteredPhase(handle: WorkflowHandle, phaseId: string): Promise<EngineState> {
  const plan = startedRollouts.get(handle.workflowId.replace(/^rollout-/, ''));
  const index = plan?.phases.findIndex((p) => p.id === phaseId) ?? -1;
  const after = index > 0 ? plan?.phases[index - 1].id : undefined;
  const state = await handle.executeUpdate(awaitPhaseUpdate, { args: [{ after }] });
  if (state.currentPhaseId !== phaseId || state.phases[index]?.status !== 'RUNNING')
    throw new Error(`not in phase ${phaseId}:\n${await whereItStands(handle)}`);
  return state;
}

/** How the workflow closed in Temporal: its status, and the failure it closed with (if any). */
async function closing(handle: WorkflowHandle): Promise<{ status: string; failure?: unknown }> {
  const failure = await handle.result().then(
    () => undefined,
    (err: unknown) => (err instanceof WorkflowFailedError ? err.cause : err),
  );
  return { status: (await handle.describe()).status.name, failure };
}

/** The rollout as the list shows it (its projection row) and as Temporal's search attribute has it. */
async function listed(rolloutId: string): Promise<{ row?: string; searchAttribute?: string }> {
  const row = await ctx.orm.em.fork().findOne(RolloutProjection, { rolloutId });
  const described = await env.client.workflow.getHandle(rolloutWorkflowId(rolloutId)).describe();
  return { row: row?.status, searchAttribute: described.typedSearchAttributes.get(RolloutStatusKey) };
}

/** Waits until the workflow has finished a task after the last signal sent to it: the signals are handled. */
async function handled(handle: WorkflowHandle): Promise<void> {
  await until(`${handle.workflowId} handles its signals`, async () => {
    const types = ((await handle.fetchHistory()).events ?? []).map((e) => e.eventType);
    const lastSignal = types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    return types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) > lastSignal;
  });
}

/** Polls the rollout's state until `check` holds, or fails saying where it stands. */
const stateWhen = (handle: WorkflowHandle, what: string, check: (s: EngineState) => boolean) =>
  until(
    what,
    async () => {
      const state = await handle.query(engineStateQuery);
      return check(state) ? state : undefined;
    },
    { explain: () => whereItStands(handle) },
  );

/**
 * The rollout's result, or, if it has not ended after `ms` of real time, a failure saying where it stands
 * (state, the server's clock, the current phase's latest events) rather than a bare jest time-out.
 */
async function finished(handle: WorkflowHandle, ms = 240_000): Promise<EngineState> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => void whereItStands(handle).then((s) => reject(new Error(s)), reject), ms);
  });
  try {
    // ROLLED_BACK and ABORTED close Failed, a cancellation Canceled: the final state is read by a query.
    const ended = handle.result().catch((err: unknown) => {
      if (!(err instanceof WorkflowFailedError)) throw err;
    });
    await Promise.race([ended, stuck]);
    return await handle.query(engineStateQuery);
  } finally {
    clearTimeout(timer);
  }
}

async function whereItStands(handle: WorkflowHandle): Promise<string> {
  const state = await handle.query(engineStateQuery);
  const lines = [
    `rollout ${state.rolloutId} has not ended: ${state.status}, phase ${state.currentPhaseId ?? '-'}`,
    `server time ${new Date(await env.currentTimeMs()).toISOString()}`,
    `breaches ${JSON.stringify(state.breaches)}`,
    `timers ${JSON.stringify(state.timers)}`,
  ];
  if (state.currentPhaseId) {
    const phase = env.client.workflow.getHandle(phaseWorkflowId(state.rolloutId, state.currentPhaseId));
    const events = (await phase.fetchHistory()).events ?? [];
    lines.push(
      `phase events (last 20 of ${events.length}): ` +
        events
          .slice(-20)
          .map((e) => `${EventType[e.eventType ?? 0]}@${String(e.eventTime?.seconds ?? '')}`)
          .join(', '),
    );
  }
  return lines.join('\n');
}

/** Does everything a phase asks of people, lets its soak pass, and signs its gate. */
async function drivePhase(
  rolloutId: string,
  phase: RolloutPlan['phases'][number],
  beforeSignOff?: () => Promise<void>,
): Promise<void> {
  const child = env.client.workflow.getHandle(phaseWorkflowId(rolloutId, phase.id));
  for (const item of phase.checklist) {
    await child.executeUpdate(itemActionUpdate, {
      args: [{ type: 'complete', itemId: item.id, actor: ops }],
    });
  }
  const state = await child.query(phaseStateQuery);
  if (state.minUntil) await env.sleep(state.minUntil - state.enteredAt);
  await beforeSignOff?.();
  await child.executeUpdate(signOffUpdate, { args: [{ actor: rm, note: 'go' }] });
}

// A phase reading Prometheus runs a long-running watcher activity (readings stay out of history). The
// time-skipping server cannot skip time while an activity runs, so the watcher is proven on the real dev server:
// test/e2e/metric-watcher.e2e.ts (a worker crash) and test/e2e/prometheus-guardrails.e2e.ts (breach, NO_DATA).

test('seed 000 runs phase by phase, honours every soak, applies each phase flags, then its reviews', async () => {
  const handle = await start('merchant', merchant);
  const flagsAfter: Record<string, unknown>[] = [];
  for (const phase of merchant.phases) {
    await enteredPhase(handle, phase.id);
    flagsAfter.push(await flags());
    // The rollout's state shows the flags it set (as the store has them) and the soak timer still to fire.
    const live = await handle.query(engineStateQuery);
    const stored = flagsAfter[flagsAfter.length - 1];
    expect(live.flags).toEqual(Object.fromEntries(Object.keys(live.flags ?? {}).map((k) => [k, stored[k]])));
    expect(live.flags).toMatchObject(phase.flags);
    const entered = live.phases.find((p) => p.id === phase.id)?.enteredAt ?? 0;
    const min = phase.duration?.min ? durationToMillis(phase.duration.min) : undefined;
    expect(live.timers).toEqual(
      min ? [expect.objectContaining({ kind: 'soak', dueAt: entered + (min ?? 0) })] : [],
    );
    // Only the sign-off left: a transition like any other, in the rollout, its list row and search attribute.
    await drivePhase('merchant', phase, async () => {
      await stateWhen(handle, 'waiting for the sign-off', (st) => st.status === 'WAITING_FOR_SIGN_OFF');
      await until('the list shows WAITING_FOR_SIGN_OFF', async () => {
        const seen = await listed('merchant');
        return seen.row === 'WAITING_FOR_SIGN_OFF' && seen.searchAttribute === 'WAITING_FOR_SIGN_OFF';
      });
    });
  }
  // Reviews: due P2W, P4W, P8W, P3M after the last phase; each is completed once due.
  let state = await handle.query(engineStateQuery);
  for (const review of merchant.reviews) {
    state = await stateWhen(handle, 'the rollout in review', (s) => s.status === 'IN_REVIEW');
    const due = state.reviews.find((r) => r.id === review.id)?.dueAt ?? 0;
    expect(state.timers?.map((t) => t.dueAt)).toContain(due);
    const early = await refusalOf(
      handle.executeUpdate(completeReviewUpdate, { args: [{ actor: rm, reviewId: review.id }] }),
    );
    expect(early.message).toBe(`Review "${review.id}" is not due yet`);
    await env.sleep(Math.max(0, due - (await env.currentTimeMs())) + 1000);
    state = await handle.executeUpdate(completeReviewUpdate, {
      args: [{ actor: rm, reviewId: review.id, note: 'ok' }],
    });
    if (review === merchant.reviews[0]) {
      // A repeat by the same person is accepted and changes nothing (nor the audit log, checked below).
      const again = await handle.executeUpdate(completeReviewUpdate, {
        args: [{ actor: rm, reviewId: review.id, note: 'again' }],
      });
      expect(again.reviews).toEqual(state.reviews);
    }
  }
  const final = await finished(handle);
  await recordHistory('plan-rollout-completed', handle);
  // The same, entering phases before naming them and recording progress as transitions (rollout-one-truth).
  await recordHistory('plan-rollout-one-truth-completed', handle);
  // The same, with review completions audited (the audit-rollout-actions patch): replayed with the rest.
  await recordHistory('plan-rollout-reviews-audited', handle);
  // The same, with each phase given a one-minute workflow task timeout (the phase-task-timeout patch).
  await recordHistory('plan-rollout-phase-task-timeout', handle);
  await recordHistory(
    'plan-phase-completed',
    env.client.workflow.getHandle(phaseWorkflowId('merchant', 'pilot-merchants')),
  );

  expect(final.status).toBe('COMPLETED');
  expect((await closing(handle)).status).toBe('COMPLETED');
  expect(await listed('merchant')).toEqual({ row: 'COMPLETED', searchAttribute: 'COMPLETED' });
  const transitions = (await ctx.auditRows('merchant')).filter((a) => a.action === 'rollout.transition');
  expect(transitions.filter((a) => a.target === 'WAITING_FOR_SIGN_OFF')).toHaveLength(merchant.phases.length);
  expect(final.events.filter((e) => e.what.startsWith('entered phase')).map((e) => e.what)).toEqual([
    'entered phase Internal Dogfood',
    'entered phase Pilot Merchants',
    'entered phase Limited Rollout',
    'entered phase General Availability',
  ]);
  // Simulated time spent in each phase is at least its planned minimum.
  const minimum = [7 * DAY, 14 * DAY, 14 * DAY, 0];
  final.phases.forEach((p, i) =>
    expect((p.completedAt ?? 0) - (p.enteredAt ?? 0)).toBeGreaterThanOrEqual(minimum[i]),
  );
  // Flags as each phase left them (defaults, then each phase's own states on entry).
  expect(flagsAfter[0]).toMatchObject({
    kwik_integration: false,
    marketplace_directory: false,
    ai_suggestions: true,
  });
  expect(flagsAfter[1]).toMatchObject({
    kwik_integration: true,
    marketplace_directory: false,
    campaigns_auto_approve: false,
  });
  expect(flagsAfter[2]).toMatchObject({
    kwik_integration: true,
    marketplace_directory: true,
    campaigns_auto_approve: true,
  });
  expect(await flags()).toMatchObject({
    kwik_integration: true,
    marketplace_directory: true,
    campaigns_auto_approve: true,
  });
  expect(final.reviews.map((r) => [r.id, r.completedBy])).toEqual([
    ['week-2', 'rita'],
    ['week-4', 'rita'],
    ['week-8', 'rita'],
    ['month-3', 'rita'],
  ]);
  // Each review's completion is audited once, by whom, with its note.
  const reviewed = (await ctx.auditRows('merchant')).filter((a) => a.action === 'review.complete');
  expect(reviewed.map((a) => [a.target, a.actor, a.outcome, a.payload])).toEqual(
    merchant.reviews.map((r) => [r.id, 'rita', 'accepted', { roles: rm.roles, note: 'ok' }]),
  );
  // Every phase message went to the chat webhook once.
  const messages = merchant.phases.flatMap((p) => p.communications).length;
  expect(receivedBy('merchant').filter((r) => r.path === '/notify').length).toBeGreaterThanOrEqual(messages);
});

test('refused actions change nothing and leave no update in history; accepted repeats are no-ops', async () => {
  const handle = await start('merchant-refusals', merchant);
  await enteredPhase(handle, 'internal-dogfood');
  const child = env.client.workflow.getHandle(phaseWorkflowId('merchant-refusals', 'internal-dogfood'));
  const item = merchant.phases[0].checklist[0].id;
  await child.executeUpdate(itemActionUpdate, { args: [{ type: 'complete', itemId: item, actor: ops }] });
  const before = (await child.fetchHistory()).events ?? [];
  const stateBefore = JSON.stringify(await child.query(phaseStateQuery));

  const unknown = await refusalOf(
    child.executeUpdate(itemActionUpdate, { args: [{ type: 'complete', itemId: 'nope', actor: ops }] }),
  );
  expect(unknown.type).toBe('NOT_FOUND');
  const other = await refusalOf(
    child.executeUpdate(itemActionUpdate, { args: [{ type: 'complete', itemId: item, actor: rm }] }),
  );
  expect(other).toMatchObject({ type: 'CONFLICT', message: `"${item}" is already done by olga` });
  const early = await refusalOf(child.executeUpdate(signOffUpdate, { args: [{ actor: rm }] }));
  expect(early.message).toMatch(/not ready for sign-off/);
  const viewer = await refusalOf(
    child.executeUpdate(signOffUpdate, { args: [{ actor: { id: 'v', roles: ['viewer'] } }] }),
  );
  expect(viewer.type).toBe('FORBIDDEN');
  // An item or gate of a phase that is not current is refused before anything is sent.
  const later = merchant.phases[1];
  await expect(
    sendItemAction(env.client, merchant, 'merchant-refusals', {
      type: 'complete',
      itemId: later.checklist[0].id,
      actor: ops,
    }),
  ).rejects.toMatchObject({
    code: 'CONFLICT',
    message: `Checklist item "${later.checklist[0].id}" belongs to phase "${later.id}", which is not the current phase (internal-dogfood)`,
  });
  await expect(
    sendSignOff(env.client, merchant, 'merchant-refusals', later.id, { actor: rm }),
  ).rejects.toMatchObject({ code: 'CONFLICT' });
  await expect(
    sendItemAction(env.client, merchant, 'merchant-refusals', {
      type: 'complete',
      itemId: 'nope',
      actor: ops,
    }),
  ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  // Routed to the current phase, the phase's own validators still apply.
  const routedViewer = await refusalOf(
    sendItemAction(env.client, merchant, 'merchant-refusals', {
      type: 'skip',
      itemId: merchant.phases[0].checklist[1].id,
      actor: { id: 'v', roles: ['viewer'] },
      justification: 'x',
    }),
  );
  expect(routedViewer.type).toBe('FORBIDDEN');
  // The same person repeating an accepted action: accepted, nothing changes.
  await child.executeUpdate(itemActionUpdate, { args: [{ type: 'complete', itemId: item, actor: ops }] });

  expect(JSON.stringify(await child.query(phaseStateQuery))).toBe(stateBefore);
  const added = ((await child.fetchHistory()).events ?? []).slice(before.length);
  // Only the accepted repeat leaves update events; the four refusals leave none (the time-skipping server
  // adds empty workflow tasks for them, the dev server not even those).
  const updates = added.filter((e) => EventType[e.eventType ?? 0].includes('UPDATE'));
  expect(updates.map((e) => EventType[e.eventType ?? 0])).toEqual([
    'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
    'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED',
  ]);
  // Nothing reached the next phase: its workflow was never started.
  await expect(
    env.client.workflow.getHandle(phaseWorkflowId('merchant-refusals', later.id)).describe(),
  ).rejects.toThrow(/not found/i);
  await handle.terminate('done');
});

test('seed 004: approvals by their roles and by someone else, a 24-hour condition that restarts on a failure', async () => {
  const worker: Actor = { id: 'wendy', roles: ['ops'] };
  const approvers: Record<string, Actor> = {
    ops: { id: 'oscar', roles: ['ops'] },
    'project-lead': { id: 'paula', roles: ['Project lead'] },
    finance: { id: 'fred', roles: ['Finance'] },
    compliance: { id: 'carla', roles: ['Compliance'] },
  };
  const gateSigner: Actor = { id: 'ron', roles: ['release-manager'] };
  const handle = await start('admin', adminPanel);

  for (const phase of adminPanel.phases) {
    await enteredPhase(handle, phase.id);
    const child = env.client.workflow.getHandle(phaseWorkflowId('admin', phase.id));
    const act = (action: object) => child.executeUpdate(itemActionUpdate, { args: [action as never] });
    for (const item of phase.checklist.filter((i) => i.kind !== 'sustained')) {
      await act({ type: 'complete', itemId: item.id, actor: worker });
      if (item.kind !== 'approval') continue;
      const own = await refusalOf(
        act({
          type: 'approve',
          itemId: item.id,
          actor: { ...worker, roles: [...worker.roles, ...(item.roles ?? [])] },
        }),
      );
      expect(own.type).toBe('FORBIDDEN');
      if (item.roles?.length) {
        const wrong = await refusalOf(
          act({ type: 'approve', itemId: item.id, actor: { id: 'x', roles: ['viewer'] } }),
        );
        expect(wrong).toMatchObject({
          type: 'FORBIDDEN',
          message: `Only ${item.roles.join(' or ')} may approve "${item.id}"`,
        });
      }
      await act({ type: 'approve', itemId: item.id, actor: approvers[item.roles?.[0] ?? ''] ?? gateSigner });
    }
    const sustained = phase.checklist.find((i) => i.kind === 'sustained');
    if (sustained) {
      const clock = async () => (await child.query(phaseStateQuery)).items.find((i) => i.id === sustained.id);
      const check = async (healthy: boolean) => {
        const before = (await clock())?.sustain?.lastAt;
        await child.signal(checkResultSignal, { itemId: sustained.id, healthy });
        for (let i = 0; i < 100 && (await clock())?.sustain?.lastAt === before; i++)
          await new Promise((r) => setTimeout(r, 20));
      };
      await check(true);
      await env.sleep(20 * 3_600_000);
      await check(false); // one failed check 20 hours in: the 24 hours start again
      expect((await clock())?.sustain?.since).toBeNull();
      await env.sleep(3_600_000);
      await check(true);
      const restartedAt = (await clock())?.sustain?.since ?? 0;
      await env.sleep(23 * 3_600_000);
      expect((await clock())?.status).toBe('OPEN');
      await env.sleep(2 * 3_600_000);
      const done = await clock();
      expect(done?.status).toBe('DONE');
      expect((done?.doneAt ?? 0) - restartedAt).toBeGreaterThanOrEqual(24 * 3_600_000);
    }
    await child.executeUpdate(signOffUpdate, { args: [{ actor: gateSigner }] });
  }
  const final = await finished(handle);
  expect(final.status).toBe('COMPLETED');
  const approvals = final.phases.flatMap((p) => p.result?.items.filter((i) => i.kind === 'approval') ?? []);
  expect(approvals.map((i) => [i.id, i.doneBy, i.approvedBy])).toEqual([
    ['incident-runbooks-reviewed-ops', 'wendy', 'oscar'],
    ['quiet-hour-overrides-approved-project', 'wendy', 'paula'],
    ['revolut-link-payment-instructions-confirmed', 'wendy', 'fred'],
    ['campaign-templates-locked-approved-compliance', 'wendy', 'carla'],
    ['go-no-go-meeting-sign', 'wendy', 'ron'],
  ]);
  expect(final.phases.map((p) => p.result?.gate.signedBy)).toEqual(['ron', 'ron', 'ron']);
  // Every accepted approval and sign-off is in the audit log, by whom; refusals left nothing there.
  const audit = await ctx.auditRows('admin');
  const row = (action: string, target: string) =>
    audit.filter((a) => a.action === action && a.target === target).map((a) => a.actor);
  for (const [id, doneBy, approvedBy] of approvals.map((i) => [i.id, i.doneBy, i.approvedBy])) {
    expect(row('checklist.complete', id!)).toEqual([doneBy]);
    expect(row('checklist.approve', id!)).toEqual([approvedBy]);
  }
  expect(audit.filter((a) => a.action === 'gate.sign').map((a) => [a.target, a.actor])).toEqual(
    adminPanel.phases.map((p) => [p.id, 'ron']),
  );
  expect(audit.every((a) => a.outcome !== 'refused')).toBe(true);
  await recordHistory(
    'plan-phase-approvals-audited',
    env.client.workflow.getHandle(phaseWorkflowId('admin', adminPanel.phases[0].id)),
  );
  // The same, with the audit written by a regular activity (the audit-actions-activity patch).
  await recordHistory(
    'plan-phase-approvals-audited-activity',
    env.client.workflow.getHandle(phaseWorkflowId('admin', adminPanel.phases[0].id)),
  );
  // The same, with the first workflow task marked (the first-task-not-empty patch).
  await recordHistory(
    'plan-phase-first-task-marked',
    env.client.workflow.getHandle(phaseWorkflowId('admin', adminPanel.phases[0].id)),
  );

  // Each item waiting for a role and each gate ready to sign was announced once (the role-notices patch).
  type Asked = { channel?: string; kind?: string; phaseId?: string; itemId?: string; doneBy?: string };
  const asked = () =>
    adapters
      .of('admin')
      .map((r: ReceivedRequest) => (r.body ?? {}) as Asked)
      .filter((b) => b.channel === 'actions');
  const requested = adminPanel.phases.flatMap((p) =>
    p.checklist
      .filter((i) => (i.kind === 'manual' || i.kind === 'approval') && i.roles?.length)
      .map((i) => `${i.kind === 'approval' ? 'approval' : 'item'}.requested ${p.id}/${i.id}`),
  );
  expect(requested.length).toBeGreaterThan(0);
  await until('every role notice delivered', () =>
    Promise.resolve(asked().length >= requested.length + adminPanel.phases.length),
  );
  const notices = asked();
  expect(
    notices
      .filter((b) => b.kind !== 'gate.ready')
      .map((b) => `${b.kind} ${b.phaseId}/${b.itemId}`)
      .sort(),
  ).toEqual([...requested].sort());
  expect(notices.filter((b) => b.kind === 'gate.ready').map((b) => b.phaseId)).toEqual(
    adminPanel.phases.map((p) => p.id),
  );
  // Approvers are asked once the work is done (the approval-requested-when-done patch): by whom is known.
  const approvalAsks = notices.filter((b) => b.kind === 'approval.requested');
  expect(approvalAsks.length).toBeGreaterThan(0);
  expect(approvalAsks.length).toBe(requested.filter((r) => r.startsWith('approval.')).length);
  expect(approvalAsks.map((b) => b.doneBy)).toEqual(approvalAsks.map(() => 'wendy'));
  await recordHistory('plan-rollout-role-notices', handle);
  await recordHistory('plan-rollout-approval-asked-when-done', handle);
  await recordHistory(
    'plan-phase-approval-asked-when-done',
    env.client.workflow.getHandle(phaseWorkflowId('admin', adminPanel.phases[0].id)),
  );
});

test('pause and resume are role-gated and hold the phase; abort ends the rollout without a rollback', async () => {
  const handle = await start('merchant-pause', merchant);
  await enteredPhase(handle, 'internal-dogfood');
  const viewer: Actor = { id: 'v', roles: ['viewer'] };
  expect((await refusalOf(handle.executeUpdate(pauseUpdate, { args: [{ actor: viewer }] }))).type).toBe(
    'FORBIDDEN',
  );
  let state = await handle.executeUpdate(pauseUpdate, { args: [{ actor: ops, reason: 'investigating' }] });
  expect(state.status).toBe('PAUSED');
  expect((await refusalOf(handle.executeUpdate(pauseUpdate, { args: [{ actor: ops }] }))).type).toBe(
    'CONFLICT',
  );
  // While paused, a phase whose work is all done still may not be left.
  const phase = merchant.phases[0];
  const child = env.client.workflow.getHandle(phaseWorkflowId('merchant-pause', phase.id));
  for (const item of phase.checklist) {
    await child.executeUpdate(itemActionUpdate, {
      args: [{ type: 'complete', itemId: item.id, actor: ops }],
    });
  }
  await env.sleep(8 * DAY);
  await child.executeUpdate(signOffUpdate, { args: [{ actor: rm }] });
  expect((await handle.query(engineStateQuery)).phases[0].status).toBe('RUNNING');

  state = await handle.executeUpdate(resumeUpdate, { args: [{ actor: ops }] });
  expect(state.status).not.toBe('PAUSED');
  await enteredPhase(handle, 'pilot-merchants');

  expect(
    (await refusalOf(handle.executeUpdate(abortUpdate, { args: [{ actor: ops, reason: ' ' }] }))).type,
  ).toBe('BAD_USER_INPUT');
  await handle.executeUpdate(abortUpdate, { args: [{ actor: ops, reason: 'pilot cancelled' }] });
  const final = await finished(handle);
  expect(final.status).toBe('ABORTED');
  // Failed in Temporal, saying why and by whom; the list and the search attribute agree.
  const closed = await closing(handle);
  expect(closed.status).toBe('FAILED');
  expect(closed.failure).toMatchObject({ type: 'ABORTED', message: 'Aborted by olga: pilot cancelled' });
  expect(await listed('merchant-pause')).toEqual({ row: 'ABORTED', searchAttribute: 'ABORTED' });
  expect(final.reviews.map((r) => r.status)).toEqual(merchant.reviews.map(() => 'CANCELLED'));
  expect(final.phases.map((p) => p.status)).toEqual(['COMPLETED', 'CANCELLED', 'PENDING', 'PENDING']);
  expect(final.rollback).toBeUndefined();
  expect(await flags()).toMatchObject({ kwik_integration: true }); // aborting undoes nothing
});

test('a rollback in phase 3 undoes flags and messages newest first, then runs the level through its hooks', async () => {
  const before = await seenBefore();
  const handle = await start('merchant-rb', merchant);
  for (const phase of merchant.phases.slice(0, 2)) {
    await enteredPhase(handle, phase.id);
    await drivePhase('merchant-rb', phase);
  }
  await enteredPhase(handle, 'limited-rollout');
  await recordHistory('plan-rollout-in-progress', handle);
  await recordHistory('plan-rollout-one-truth-in-progress', handle);
  const sentBefore = receivedBy('merchant-rb').length;
  const wrongRole = await refusalOf(
    handle.executeUpdate(rollbackUpdate, {
      args: [{ actor: { id: 'v', roles: ['viewer'] }, level: 'quick', reason: 'x' }],
    }),
  );
  expect(wrongRole.type).toBe('FORBIDDEN');
  const badLevel = await refusalOf(
    handle.executeUpdate(rollbackUpdate, { args: [{ actor: ops, level: 'nope', reason: 'x' }] }),
  );
  expect(badLevel.message).toBe('Rollback level "nope" is not in the plan (levels: quick, data)');

  await handle.executeUpdate(rollbackUpdate, {
    args: [{ actor: ops, level: 'quick', reason: 'error rate > 5% for 5 min' }],
  });
  const final = await finished(handle);

  await recordHistory('plan-rollout-rolled-back', handle);
  await recordHistory('plan-rollout-one-truth-rolled-back', handle);
  expect(final.status).toBe('ROLLED_BACK');
  const closed = await closing(handle);
  expect(closed.status).toBe('FAILED');
  expect(closed.failure).toMatchObject({
    type: 'ROLLED_BACK',
    message: 'Rolled back by olga: error rate > 5% for 5 min',
    nonRetryable: true,
  });
  expect(await listed('merchant-rb')).toEqual({ row: 'ROLLED_BACK', searchAttribute: 'ROLLED_BACK' });
  // Every step reads differently (three messages of one phase included); the reviews will not happen.
  const titles = final.rollback?.steps.map((s) => s.title) ?? [];
  expect(new Set(titles).size).toBe(titles.length);
  expect(final.reviews.every((r) => r.status === 'CANCELLED')).toBe(true);
  expect(await flags()).toEqual(before);
  // The rollout's own record of the flags it wrote agrees with the store after the restore; no timer is left.
  const store = await flags();
  expect(Object.keys(final.flags ?? {}).sort()).toEqual(
    ['kwik_integration', 'marketplace_directory', 'campaigns_auto_approve', 'premium_templates'].sort(),
  );
  expect(final.flags).toEqual(Object.fromEntries(Object.keys(final.flags ?? {}).map((k) => [k, store[k]])));
  expect(final.timers).toEqual([]);
  expect(final.rollback?.steps.map((s) => [s.id, s.status])).toEqual([
    ['undo-message-limited-rollout-2', 'DONE'],
    ['undo-message-limited-rollout-1', 'DONE'],
    ['undo-message-limited-rollout-0', 'DONE'],
    ['undo-flags-limited-rollout', 'DONE'],
    ['undo-message-pilot-merchants-2', 'DONE'],
    ['undo-message-pilot-merchants-1', 'DONE'],
    ['undo-message-pilot-merchants-0', 'DONE'],
    ['undo-flags-pilot-merchants', 'DONE'],
    ['revert-deployment-previous-version', 'DONE'],
    ['notify-affected-merchants-banner', 'DONE'],
  ]);
  // The HTTP calls arrived in that order: the undo messages, then the deploy hook, then the banner.
  const received = receivedBy('merchant-rb').slice(sentBefore);
  expect(received.map((r) => r.path)).toEqual([
    ...Array<string>(6).fill('/notify'),
    '/hooks/revert-deployment',
    '/notify',
  ]);
  expect(received[6].key).toMatch(/rollout-merchant-rb\/rollback\/revert-deployment-previous-version$/);
  expect(final.phases.map((p) => p.status)).toEqual(['COMPLETED', 'COMPLETED', 'CANCELLED', 'PENDING']);
});

test('error rate > 5% for 5 min in phase 3 rolls back, and the audit log keeps the breach readings', async () => {
  const before = await seenBefore();
  const handle = await start('merchant-breach', merchant);
  for (const phase of merchant.phases.slice(0, 2)) {
    await enteredPhase(handle, phase.id);
    await drivePhase('merchant-breach', phase);
  }
  await enteredPhase(handle, 'limited-rollout');
  const sentBefore = receivedBy('merchant-breach').length;
  const phase = env.client.workflow.getHandle(phaseWorkflowId('merchant-breach', 'limited-rollout'));
  // Readings carry their own time, a minute apart, ending at the server's present. The clock is not skipped
  // while they are sent, so nothing (a skip to the phase's next timer) can open a gap between them.
  const now = await env.currentTimeMs();
  const push = async (readings: [value: number, minutesAgo: number][]) => {
    for (const [value, ago] of readings)
      await phase.signal(metricReadingSignal, { metric: 'error_rate', value, at: now - ago * 60_000 });
  };
  // Four readings above the threshold over the last three minutes do not cover the 5-minute window.
  await push([
    [8, 3],
    [7.5, 2],
    [9, 1],
    [6, 0],
  ]);
  await handled(phase);
  expect((await handle.query(engineStateQuery)).status).toBe('RUNNING');
  // Two late readings complete it, the one from the window's start last: every reading above 5% for 5 minutes.
  await push([
    [7, 4],
    [6.5, 5],
  ]);
  const final = await finished(handle);
  await recordHistory('plan-rollout-guardrail-rollback', handle);
  await recordHistory('plan-rollout-one-truth-guardrail-rollback', handle);
  await recordHistory('plan-phase-breached', phase);

  expect(final.status).toBe('ROLLED_BACK');
  expect(final.breaches.map((b) => [b.guardrailId, b.phaseId, b.readings.map((r) => r.value)])).toEqual([
    ['error-rate', 'limited-rollout', [6.5, 7, 8, 7.5, 9, 6]],
  ]);
  expect(final.rollback).toMatchObject({ level: 'quick', requestedBy: 'engine' });
  expect(await flags()).toEqual(before);
  expect(
    receivedBy('merchant-breach')
      .slice(sentBefore)
      .map((r) => r.path),
  ).toEqual([...Array<string>(6).fill('/notify'), '/hooks/revert-deployment', '/notify']);
  const audit = await ctx.auditRows('merchant-breach');
  const breach = audit.find((a) => a.action === 'guardrail.breach');
  expect(breach?.target).toBe('error-rate');
  expect((breach?.payload.readings as { value: number }[]).map((r) => r.value)).toEqual([
    6.5, 7, 8, 7.5, 9, 6,
  ]);
  expect(audit.at(-1)).toMatchObject({ action: 'rollout.transition', target: 'ROLLED_BACK' });
});

test('a manual rollback step waits for an operator to confirm it, and the confirmation is audited', async () => {
  // The quick level with a step only a person can do between the deploy hook and the banner.
  const quick = merchant.rollback.levels[0];
  const plan: RolloutPlan = {
    ...merchant,
    rollback: {
      ...merchant.rollback,
      levels: [
        {
          ...quick,
          steps: [
            quick.steps[0],
            { id: 'check-dashboards', title: 'Check the dashboards by hand', action: { type: 'manual' } },
            ...quick.steps.slice(1),
          ],
        },
        ...merchant.rollback.levels.slice(1),
      ],
    },
  };
  const handle = await start('merchant-manual', plan);
  await enteredPhase(handle, 'internal-dogfood');
  await handle.executeUpdate(rollbackUpdate, { args: [{ actor: ops, level: 'quick', reason: 'by hand' }] });
  const state = await stateWhen(
    handle,
    'the manual step waits for a person',
    (s) => s.rollback?.steps.find((step) => step.id === 'check-dashboards')?.status === 'RUNNING',
  );
  expect(state.rollback?.steps.map((s) => [s.id, s.status]).slice(-3)).toEqual([
    ['revert-deployment-previous-version', 'DONE'],
    ['check-dashboards', 'RUNNING'],
    ['notify-affected-merchants-banner', 'PENDING'],
  ]);
  // It waits for a person: a day passing does not move it, and the banner has not gone out; the level's
  // 5-minute budget has overrun, which is escalated (once). What the rollback sent: its hook calls and the
  // messages of its own channels (the phase's daily check-ins may go out meanwhile; they are not its).
  const rollbackCalls = () =>
    receivedBy('merchant-manual')
      .filter(
        (r) => r.path.startsWith('/hooks/') || ['escalation', 'in-app'].includes(String(r.body.channel)),
      )
      .map((r) => [r.path, r.body.channel ?? null]);
  await env.sleep(DAY);
  expect((await handle.query(engineStateQuery)).status).toBe('ROLLING_BACK');
  expect(rollbackCalls()).toEqual([
    ['/hooks/revert-deployment', null],
    ['/notify', 'escalation'],
  ]);

  const viewer: Actor = { id: 'v', roles: ['viewer'] };
  const confirm = (actor: Actor, stepId: string) =>
    handle.executeUpdate(confirmManualStepUpdate, { args: [{ actor, stepId }] });
  expect((await refusalOf(confirm(viewer, 'check-dashboards'))).type).toBe('FORBIDDEN');
  expect((await refusalOf(confirm(ops, 'notify-affected-merchants-banner'))).message).toBe(
    'Rollback step "notify-affected-merchants-banner" is not waiting for a person',
  );
  await confirm(ops, 'check-dashboards');
  const final = await finished(handle);
  expect(final.status).toBe('ROLLED_BACK');
  expect(final.rollback?.steps.every((s) => s.status === 'DONE')).toBe(true);
  expect(rollbackCalls()).toEqual([
    ['/hooks/revert-deployment', null],
    ['/notify', 'escalation'],
    ['/notify', 'in-app'],
  ]);
  // Confirmed by whom, before the rollout's end in the log; the refusals left nothing there.
  const audit = (await ctx.auditRows('merchant-manual')).map((a) => `${a.action}:${a.target}:${a.actor}`);
  expect(audit.slice(-2)).toEqual([
    'rollback.confirm-step:check-dashboards:olga',
    'rollout.transition:ROLLED_BACK:engine',
  ]);
  expect(audit.filter((a) => a.startsWith('rollback.confirm-step'))).toHaveLength(1);
});

/** Starts a rollout, rolls it back at the data level with its backup hook failing: it stops ROLLBACK_FAILED. */
async function failedRollback(id: string): Promise<{ handle: WorkflowHandle; state: EngineState }> {
  const handle = await start(id, merchant);
  await enteredPhase(handle, 'internal-dogfood');
  adapters.failPaths.add('/hooks/restore-backup');
  await handle.executeUpdate(rollbackUpdate, {
    args: [{ actor: ops, level: 'data', reason: 'corrupt orders' }],
  });
  const state = await stateWhen(handle, 'the rollback failed', (s) => s.status === 'ROLLBACK_FAILED');
  return { handle, state };
}

test('a hook that keeps failing leaves the rollout ROLLBACK_FAILED and open; a retry once it works finishes the rollback', async () => {
  const { handle, state } = await failedRollback('merchant-fail');
  const failed = state.rollback?.steps.find((s) => s.status === 'FAILED');
  expect(failed).toMatchObject({ id: 'restore-last-backup', error: expect.stringMatching(/500/) as unknown });
  expect(receivedBy('merchant-fail').filter((r) => r.path === '/hooks/restore-backup')).toHaveLength(5);
  expect(state.rollback?.steps.filter((s) => s.status === 'PENDING').map((s) => s.id)).toEqual([
    'replay-missed-webhooks-dlq',
    'notify-merchants-data-restoration',
  ]);
  // Still running in Temporal, and the list, the search attribute and the rollout agree.
  expect((await handle.describe()).status.name).toBe('RUNNING');
  await until('the list shows ROLLBACK_FAILED', async () => {
    const seen = await listed('merchant-fail');
    return seen.row === 'ROLLBACK_FAILED' && seen.searchAttribute === 'ROLLBACK_FAILED';
  });
  // One message to the escalation channel names the step.
  const escalations = () => receivedBy('merchant-fail').filter((r) => r.body.channel === 'escalation');
  await until('the escalation sent', () => escalations().length > 0);
  expect(escalations().map((r) => r.body.message)).toEqual([expect.stringContaining('restore-last-backup')]);

  // Refusals: who, which step, and what no longer applies.
  const viewer: Actor = { id: 'v', roles: ['viewer'] };
  const retry = (actor: Actor, stepId: string) =>
    handle.executeUpdate(retryRollbackStepUpdate, { args: [{ actor, stepId }] });
  expect((await refusalOf(retry(viewer, 'restore-last-backup'))).type).toBe('FORBIDDEN');
  expect((await refusalOf(retry(ops, 'replay-missed-webhooks-dlq'))).message).toBe(
    'Rollback step "replay-missed-webhooks-dlq" has not failed (the failed step is "restore-last-backup")',
  );
  expect((await refusalOf(retry(ops, 'nope'))).type).toBe('NOT_FOUND');
  const pause = await refusalOf(handle.executeUpdate(pauseUpdate, { args: [{ actor: ops }] }));
  expect(pause.message).toMatch(/waiting on failed rollback step "restore-last-backup"/);
  const noNote = await refusalOf(
    handle.executeUpdate(resolveRollbackStepUpdate, {
      args: [{ actor: ops, stepId: 'restore-last-backup', note: ' ' }],
    }),
  );
  expect(noNote.type).toBe('BAD_USER_INPUT');

  // The hook works again: the retry takes the rollback on, to its end.
  adapters.failPaths.delete('/hooks/restore-backup');
  const retried = await retry(ops, 'restore-last-backup');
  expect(retried.status).not.toBe('ROLLBACK_FAILED');
  const final = await finished(handle);
  expect(final.status).toBe('ROLLED_BACK');
  expect(final.rollback?.steps.every((s) => s.status === 'DONE')).toBe(true);
  const closed = await closing(handle);
  expect(closed.status).toBe('FAILED');
  expect(closed.failure).toBeInstanceOf(ApplicationFailure);
  expect(closed.failure).toMatchObject({
    type: 'ROLLED_BACK',
    message: 'Rolled back by olga: corrupt orders',
  });
  expect(await listed('merchant-fail')).toEqual({ row: 'ROLLED_BACK', searchAttribute: 'ROLLED_BACK' });
  const audit = (await ctx.auditRows('merchant-fail')).map((a) => `${a.action}:${a.target}:${a.actor}`);
  expect(audit.filter((a) => a.startsWith('rollout.transition:ROLL') || a.startsWith('rollback.'))).toEqual([
    'rollout.transition:ROLLING_BACK:olga',
    'rollout.transition:ROLLBACK_FAILED:engine',
    'rollback.retry-step:restore-last-backup:olga',
    'rollout.transition:ROLLING_BACK:olga',
    'rollout.transition:ROLLED_BACK:engine',
  ]);
  expect(escalations()).toHaveLength(1);
  await recordHistory('plan-rollout-rollback-retried', handle);
});

test('a failed rollback step resolved by hand: the rollback goes on, and the audit says who resolved what', async () => {
  const { handle } = await failedRollback('merchant-resolve');
  const resolved = await handle.executeUpdate(resolveRollbackStepUpdate, {
    args: [
      {
        actor: rm,
        stepId: 'restore-last-backup',
        note: 'restored from the 02:00 snapshot by hand',
        evidence: 'https://tickets.example/OPS-7',
      },
    ],
  });
  expect(resolved.rollback?.steps.find((s) => s.id === 'restore-last-backup')).toMatchObject({
    status: 'RESOLVED',
    resolvedBy: 'rita',
    note: 'restored from the 02:00 snapshot by hand',
    evidence: 'https://tickets.example/OPS-7',
  });
  const final = await finished(handle);
  expect(final.status).toBe('ROLLED_BACK');
  expect(final.rollback?.steps.map((s) => s.status)).toEqual([
    ...Array<string>((final.rollback?.steps.length ?? 3) - 3).fill('DONE'),
    'RESOLVED',
    'DONE',
    'DONE',
  ]);
  expect(receivedBy('merchant-resolve').filter((r) => r.path === '/hooks/restore-backup')).toHaveLength(5);
  const audit = await ctx.auditRows('merchant-resolve');
  expect(audit.find((a) => a.action === 'rollback.resolve-step')).toMatchObject({
    actor: 'rita',
    target: 'restore-last-backup',
    payload: { note: 'restored from the 02:00 snapshot by hand', evidence: 'https://tickets.example/OPS-7' },
  });
  expect(audit.at(-1)).toMatchObject({ action: 'rollout.transition', target: 'ROLLED_BACK' });
  expect(audit.at(-1)?.payload.resolvedByHand).toEqual([
    {
      step: 'restore-last-backup',
      title: expect.any(String) as unknown,
      resolvedBy: 'rita',
      note: 'restored from the 02:00 snapshot by hand',
    },
  ]);
  expect((await closing(handle)).failure).toMatchObject({ type: 'ROLLED_BACK' });
  await recordHistory('plan-rollout-rollback-resolved', handle);
});

test('a cancellation requested in Temporal is an abort by temporal: phase cancelled, recorded, closed Canceled', async () => {
  const handle = await start('merchant-cancel', merchant);
  await enteredPhase(handle, 'internal-dogfood');
  await handle.cancel();
  const final = await finished(handle);
  expect(final.status).toBe('ABORTED');
  expect(final.phases.map((p) => p.status)).toEqual(['CANCELLED', 'PENDING', 'PENDING', 'PENDING']);
  expect(final.reviews.every((r) => r.status === 'CANCELLED' && r.cancelledAt !== undefined)).toBe(true);
  const closed = await closing(handle);
  expect(closed.status).toBe('CANCELLED');
  expect(closed.failure).toBeInstanceOf(CancelledFailure);
  const phase = env.client.workflow.getHandle(phaseWorkflowId('merchant-cancel', 'internal-dogfood'));
  expect((await phase.describe()).status.name).toBe('CANCELLED');
  expect(await listed('merchant-cancel')).toEqual({ row: 'ABORTED', searchAttribute: 'ABORTED' });
  expect((await ctx.auditRows('merchant-cancel')).at(-1)).toMatchObject({
    action: 'rollout.transition',
    target: 'ABORTED',
    actor: 'temporal',
    payload: { what: 'aborted by temporal: cancellation requested in Temporal' },
  });
  await recordHistory('plan-rollout-cancelled', handle);
});

test('a guardrail whose action is notify tells its channel and goes on; one whose action is pause holds the rollout', async () => {
  const plan: RolloutPlan = {
    ...merchant,
    guardrails: merchant.guardrails.map((g) =>
      g.id === 'queue-backlog'
        ? { ...g, action: { type: 'notify', channel: 'sre-oncall' } }
        : g.id === 'payment-success'
          ? { ...g, action: { type: 'pause' } }
          : g,
    ),
  };
  const handle = await start('merchant-guard-actions', plan);
  await enteredPhase(handle, 'internal-dogfood');
  const phase = env.client.workflow.getHandle(phaseWorkflowId('merchant-guard-actions', 'internal-dogfood'));

  // Queue backlog > 1000: a message to the guardrail's channel, and the rollout runs on.
  await phase.signal(metricReadingSignal, { metric: 'queue_backlog', value: 5000 });
  let state = await stateWhen(handle, 'the backlog breach recorded', (s) => s.breaches.length === 1);
  const oncall = () => receivedBy('merchant-guard-actions').filter((r) => r.body.channel === 'sre-oncall');
  await until('the on-call message sent', () => oncall().length > 0);
  expect(oncall().map((r) => r.body.message)).toEqual([
    expect.stringMatching(/^Guardrail queue-backlog breached: .*5000/),
  ]);
  expect(state.status).toBe('RUNNING');
  expect(state.rollback).toBeUndefined();

  // Payment success < 95%: the rollout is paused by the engine and its phase held until someone resumes it.
  await phase.signal(metricReadingSignal, { metric: 'payment_success_rate', value: 80 });
  state = await stateWhen(handle, 'paused by the payment breach', (s) => s.status === 'PAUSED');
  expect(state.breaches.map((b) => b.guardrailId)).toEqual(['queue-backlog', 'payment-success']);
  expect(state.rollback).toBeUndefined();
  const audit = (await ctx.auditRows('merchant-guard-actions')).map(
    (a) => `${a.action}:${a.target}:${a.actor}`,
  );
  // Only the order of these rows is the engine's: the phase's entry (rollout.transition:RUNNING) is audited
  // by its own activity, which a busy machine can finish after the breaches'.
  expect(
    audit.filter((a) => a.startsWith('guardrail.') || a.startsWith('rollout.transition:PAUSED')),
  ).toEqual([
    'guardrail.breach:queue-backlog:engine',
    'guardrail.breach:payment-success:engine',
    'rollout.transition:PAUSED:engine',
  ]);
  const resumed = await handle.executeUpdate(resumeUpdate, { args: [{ actor: ops }] });
  expect(resumed.status).toBe('RUNNING');
  await handle.executeUpdate(abortUpdate, { args: [{ actor: ops, reason: 'done testing' }] });
  expect((await finished(handle)).status).toBe('ABORTED');
});
