import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MikroORM } from '@mikro-orm/core';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { AuditLogService, mikroOrmOptions } from '../../libs/persistence/src';
import { parsePlanDocument, type RolloutPlan } from '../../libs/plan/src';
import type { ItemAction } from '../../workflows/engine/actions';
import {
  awaitPhaseUpdate,
  completeReviewUpdate,
  engineStateQuery,
  itemActionUpdate,
  phaseStateQuery,
  phaseWorkflowId,
  rollbackUpdate,
  rolloutWorkflowId,
  signOffUpdate,
  type EngineState,
  type PlanRolloutInput,
} from '../../workflows/engine/messages';
import type { Actor, PhaseState } from '../../workflows/engine/phase';
import * as effects from '../support/effects';
import { acceptedActions, type IdempotentReceiver, unjustifiedRepeats } from '../support/effects';
import { startStack, type Stack } from '../support/stack';

// The plan engine on a real dev server, with the built worker as a separate process that is SIGKILLed
// while one rollout is in the middle of a phase, one in the middle of its rollback (its deploy hook in
// flight), and one entering a phase (a message in flight). The restarted worker must finish each rollout
// with nothing lost or doubled: flag store, webhook calls, outbox, audit chain, projection, final status.

// A run takes about 75 s; every wait below is bounded, so a hang fails naming the step it stopped at.
jest.setTimeout(240_000);

const { EventType, PendingActivityState, WorkflowTaskFailedCause } = temporal.api.enums.v1;
/** The dev server runs in real time: a week's soak takes 60 ms, the three-month review 0.8 s. */
const TIME_SCALE = 1e-7;
const ops: Actor = { id: 'olga', roles: ['operator'] };
const dev: Actor = { id: 'dan', roles: ['engineer'] };
const rm: Actor = { id: 'rita', roles: ['release-manager'] };

const merchant: RolloutPlan = (() => {
  const file = join(__dirname, '../../examples/merchant-platform.plan.yaml');
  const parsed = parsePlanDocument(readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error('examples/merchant-platform.plan.yaml is invalid');
  // Without its items' check-in reminders and deadlines (`every`, `deadline`): not what this test is about,
  // and at this time scale a daily check-in would come due every 9 ms, faster than a reminder is sent.
  const timerless = new Set(['every', 'deadline']);
  const phases = parsed.plan.phases.map((p) => ({
    ...p,
    checklist: p.checklist.map(
      (item) => Object.fromEntries(Object.entries(item).filter(([k]) => !timerless.has(k))) as typeof item,
    ),
  }));
  return { ...parsed.plan, phases };
})();

/**
 * The deploy-hook and chat endpoints, as an idempotent receiver (see test/support/effects.ts): a key's next
 * requests may be scripted to fail (503) or be held (taken, never answered, while the test kills the worker).
 */
let receiver: IdempotentReceiver;
let calls: IdempotentReceiver['calls'];
let script: IdempotentReceiver['script'];
let held: IdempotentReceiver['held'];
let stack: Stack;
let orm: MikroORM;

beforeAll(async () => {
  receiver = await effects.startIdempotentReceiver();
  ({ calls, script, held } = receiver);
  const base = receiver.url;
  stack = await startStack('engine', {
    workerEnv: {
      NOTIFY_WEBHOOK_URL: `${base}/notify`,
      HOOK_URLS: JSON.stringify({
        'revert-deployment': `${base}/hooks/revert-deployment`,
        'restore-backup': `${base}/hooks/restore-backup`,
        'replay-dlq': `${base}/hooks/replay-dlq`,
      }),
      // Held requests must stay in flight until the kill (the activities' own timeout is a minute).
      ADAPTER_TIMEOUT_MS: '50000',
    },
  });
  // The worker's own SQLite file: the flag store, outbox, audit log and projection, as applications see them.
  orm = await MikroORM.init(
    mikroOrmOptions({ driver: 'sqlite', file: join(stack.dataDir, 'rollouts.sqlite'), debug: false }),
  );
});

afterAll(async () => {
  await orm?.close();
  await stack?.stop();
  await receiver?.close();
});

const rollout = (id: string) => stack.env.client.workflow.getHandle(rolloutWorkflowId(id));
const phase = (id: string, phaseId: string) =>
  stack.env.client.workflow.getHandle(phaseWorkflowId(id, phaseId));

function start(id: string): Promise<WorkflowHandle> {
  const input: PlanRolloutInput = {
    rolloutId: id,
    plan: merchant,
    startedBy: 'rita',
    parameters: { timeScale: TIME_SCALE },
  };
  return stack.env.client.workflow.start('planRolloutWorkflow', {
    taskQueue: stack.taskQueue,
    workflowId: rolloutWorkflowId(id),
    args: [input],
  });
}

/** What the test has reached, with seconds since it started: shown by a failing wait. */
const timeline: string[] = [];
let startedAt = Date.now();
const mark = (what: string) => timeline.push(`${((Date.now() - startedAt) / 1000).toFixed(1)}s ${what}`);

function failure(what: string, detail: string): Error {
  const worker = stack.workerOutput().slice(-3000);
  return new Error(
    `${what}: ${detail}\n--- timeline ---\n${timeline.join('\n')}\n--- worker output ---\n${worker}`,
  );
}

/** Awaits `promise` for at most `ms`: a hang fails naming what never happened rather than at Jest's timeout. */
async function within<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(failure(what, `not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Where a workflow stands (status, pending activities, its last events): for a failing wait to show. */
async function whereIs(workflowId: string): Promise<string> {
  const handle = stack.env.client.workflow.getHandle(workflowId);
  const described = await handle.describe().catch(() => undefined);
  const events = (await handle.fetchHistory().catch(() => undefined))?.events ?? [];
  const pending = (described?.raw.pendingActivities ?? []).map(
    (a) => `${a.activityType?.name} #${a.attempt} (${a.state}): ${a.lastFailure?.message ?? ''}`,
  );
  const last = events.slice(-12).map((e) => EventType[e.eventType ?? 0]);
  return (
    `--- ${workflowId}: ${described?.status.name ?? 'not found'}\n` +
    `pending activities: ${pending.join('; ') || 'none'}\nlast events: ${last.join(', ')}`
  );
}

/** Runs `wait`; if it fails, adds where the rollout's workflows stand to the error. */
async function explained<T>(id: string, wait: () => Promise<T>): Promise<T> {
  try {
    return await wait();
  } catch (err) {
    const state = await rollout(id)
      .query(engineStateQuery)
      .catch(() => undefined);
    const ids = [
      rolloutWorkflowId(id),
      ...(state?.phases.filter((p) => p.status !== 'PENDING').map((p) => phaseWorkflowId(id, p.id)) ?? []),
    ];
    const where = await Promise.all(ids.map(whereIs));
    (err as Error).message +=
      `\n--- ${id}: ${state ? `${state.status}, phase ${state.currentPhaseId ?? '-'}` : 'no answer'}\n` +
      where.join('\n');
    throw err;
  }
}

/**
 * The rollout's final state, within `ms`: its result, or (ROLLED_BACK and ABORTED close Failed) its state as
 * the closed workflow still answers it.
 */
const ended = (id: string, ms: number) =>
  explained(id, async () => {
    const closed = rollout(id)
      .result()
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowFailedError)) throw err;
      });
    await within(`rollout ${id} ends`, ms, closed);
    return rollout(id).query(engineStateQuery);
  });

/** Polls until `check` returns a value (errors count as "not yet"), or fails naming what never happened. */
async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 45_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      // A check that hangs (an Update no worker answers) counts against the same deadline.
      const value = await within(what, Math.max(1, deadline - Date.now()), check());
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  const error = last instanceof Error ? last.message.split('\n')[0] : JSON.stringify(last);
  throw failure(what, `not within ${ms} ms (last error: ${error})`);
}

/**
 * The phase's state once the rollout stands in it, after `after` (none: its first phase). The rollout's
 * awaitPhase Update waits in the workflow (nothing polls here) and answers once the phase's workflow runs, so
 * the query that follows, and any action, find it.
 */
async function enteredPhase(id: string, phaseId: string, after?: string, ms = 60_000): Promise<PhaseState> {
  return explained(id, async () => {
    const state = await within(
      `rollout ${id} enters phase ${phaseId}`,
      ms,
      rollout(id).executeUpdate(awaitPhaseUpdate, { args: [after === undefined ? {} : { after }] }),
    );
    if (state.currentPhaseId !== phaseId)
      throw failure(
        `rollout ${id} enters phase ${phaseId}`,
        `it is ${state.status} in ${state.currentPhaseId}`,
      );
    return phase(id, phaseId).query(phaseStateQuery);
  });
}

const act = (id: string, phaseId: string, action: ItemAction) =>
  phase(id, phaseId).executeUpdate(itemActionUpdate, { args: [action] });

/** Completes what is still open in a phase, then signs its gate once the (scaled) soak has passed. */
async function drivePhase(id: string, phaseId: string, actor: Actor = ops): Promise<PhaseState> {
  const state = await phase(id, phaseId).query(phaseStateQuery);
  for (const item of state.items.filter((i) => i.status === 'OPEN'))
    await within(
      `${item.id} completed`,
      30_000,
      act(id, phaseId, { type: 'complete', itemId: item.id, actor }),
    );
  // The soak is a few ms of real time; a sign-off refused as early is simply tried again.
  return until(`gate of ${phaseId} signed`, () =>
    phase(id, phaseId).executeUpdate(signOffUpdate, { args: [{ actor: rm, note: 'go' }] }),
  );
}

/**
 * Drives a rollout from the phase it is in to the end: its phases, then the post-launch reviews (P2W … P3M
 * after the last phase, all due within a second at this time scale), each completed as soon as its notice
 * reaches the chat webhook (the notice is what tells people it is due), often while the rollout is still
 * sending the next notices.
 */
async function finish(id: string, fromPhase: number, actor: Actor): Promise<EngineState> {
  for (const [i, p] of merchant.phases.entries()) {
    if (i < fromPhase) continue;
    await enteredPhase(id, p.id, merchant.phases[i - 1]?.id);
    await drivePhase(id, p.id, actor);
    mark(`${id}: ${p.id} signed`);
  }
  for (const review of merchant.reviews) {
    const notice = `${rolloutWorkflowId(id)}/review-${review.id}`;
    await until(`notice of review ${review.id} (${id})`, () =>
      Promise.resolve(calls.some((c) => c.key === notice && c.answer === 200)),
    );
    await until(`review ${review.id} completed (${id})`, () =>
      rollout(id).executeUpdate(completeReviewUpdate, {
        args: [{ actor: rm, reviewId: review.id, note: 'fine' }],
      }),
    );
  }
  const result = await ended(id, 30_000);
  mark(`${id}: ${result.status}`);
  return result;
}

const flagStore = () => effects.flagStore(orm);
const defaults = Object.fromEntries(merchant.flags.map((f) => [f.key, f.default]));
const audit = (rolloutId: string) => effects.auditTrail(orm, rolloutId);
/** The rollout's messages in the outbox, without the notices asking people to act (notices.e2e.ts has them). */
const outbox = async (rolloutId: string) =>
  (await effects.outboxOf(orm, rolloutId)).filter((r) => !/\/(gate-ready|requested\/[^/]+)$/.test(r.key));
const flagChanges = (rolloutId: string) => effects.flagChangesOf(orm, rolloutId);
const projection = (rolloutId: string) => effects.projectionOf(orm, rolloutId);
/**
 * Why each of a workflow's tasks failed (none: []). UnhandledCommand is left out: the server's own answer to a
 * task that completes the workflow while a new message (here the rollout's progressRecorded, sent as the
 * phase's gate is signed) arrives; the worker then runs a task with it and completes. It is no failure of the
 * code, unlike a nondeterminism error on replay.
 */
const failedTasks = async (workflowId: string): Promise<string[]> =>
  ((await stack.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [])
    .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
    .filter(
      (e) =>
        e.workflowTaskFailedEventAttributes?.cause !==
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
    )
    .map((e) => {
      const a = e.workflowTaskFailedEventAttributes;
      return `${String(a?.cause)}: ${a?.failure?.message ?? ''}`.slice(0, 300);
    });

/** What a rollout's calls reached, in order: [path, idempotency key, answer]. */
const callsOf = (rolloutId: string) =>
  calls
    // The notices asking people to act (gate ready …) go out beside these, not in their order: notices.e2e.ts.
    .filter((c) => c.body.rolloutId === rolloutId && c.body.channel !== 'actions')
    .map((c) => [c.path, c.key, c.answer]);

/** The keys of a rollout's forward messages, from phase `from` on, then its review notices. */
const forwardKeys = (rolloutId: string, from = 0) => [
  ...merchant.phases
    .slice(from)
    .flatMap((p) => p.communications.map((_, i) => `${rolloutWorkflowId(rolloutId)}/${p.id}/message-${i}`)),
  ...merchant.reviews.map((r) => `${rolloutWorkflowId(rolloutId)}/review-${r.id}`),
];

const A = 'engine-mid-phase';
const B = 'engine-mid-rollback';
const C = 'engine-mid-entry';
const rollbackSteps = [
  'undo-message-limited-rollout-2',
  'undo-message-limited-rollout-1',
  'undo-message-limited-rollout-0',
  'undo-flags-limited-rollout',
  'undo-message-pilot-merchants-2',
  'undo-message-pilot-merchants-1',
  'undo-message-pilot-merchants-0',
  'undo-flags-pilot-merchants',
  'revert-deployment-previous-version',
  'notify-affected-merchants-banner',
];
const [dogfood, pilot, limited] = merchant.phases;
const revertKey = `${rolloutWorkflowId(B)}/rollback/${rollbackSteps[8]}`;
const pilotMessage0 = `${rolloutWorkflowId(C)}/${pilot.id}/message-0`;

// One worker serves every rollout, so one SIGKILL catches all three (one kill, one restart: the worker's
// start is most of the cost). The two held requests make the run last a minute: Temporal only retries an
// activity whose worker died once its start-to-close timeout (a minute) has passed.
test('a worker SIGKILLed mid-phase, mid-rollback and mid-entry, once restarted, finishes every rollout with nothing lost or doubled', async () => {
  startedAt = Date.now();
  expect(await flagStore()).toEqual({});
  const handleB = await start(B);
  await start(A);
  await start(C);

  // A: two of the first phase's three items done, by two people, one with a note and evidence.
  const [first, second, third] = dogfood.checklist.map((i) => i.id);
  await enteredPhase(A, dogfood.id);
  await act(A, dogfood.id, {
    type: 'complete',
    itemId: first,
    actor: ops,
    note: 'deployed',
    evidence: 'https://ci.example.com/1',
  });
  const beforeKill = await act(A, dogfood.id, { type: 'complete', itemId: second, actor: dev });
  expect(beforeKill.items.map((i) => [i.id, i.status, i.doneBy])).toEqual([
    [first, 'DONE', 'olga'],
    [second, 'DONE', 'dan'],
    [third, 'OPEN', undefined],
  ]);
  mark(`${A}: two items done`);

  // B: two phases done, then in the third a rollback whose deploy hook is refused twice (503, retried 1 s
  // and 2 s later); the receiver takes the third attempt and holds its answer.
  await enteredPhase(B, dogfood.id);
  await drivePhase(B, dogfood.id);
  await enteredPhase(B, pilot.id, dogfood.id);
  await drivePhase(B, pilot.id);
  await enteredPhase(B, limited.id, pilot.id);
  expect(await flagStore()).toEqual({ ...defaults, ...pilot.flags, ...limited.flags });
  const forwardCallsB = callsOf(B).length;
  script.set(revertKey, ['fail', 'fail', 'hold']);
  const requested = await within(
    'rollback requested',
    30_000,
    handleB.executeUpdate(rollbackUpdate, {
      args: [{ actor: ops, level: 'quick', reason: 'error rate > 5% for 5 min' }],
    }),
  );
  expect(requested.status).toBe('ROLLING_BACK');
  await until(
    'the revert hook is held',
    () => Promise.resolve(held.some((h) => h.key === revertKey)),
    30_000,
  );
  mark(`${B}: revert hook held`);
  const pending = (await handleB.describe()).raw.pendingActivities ?? [];
  expect(pending.map((a) => [a.activityType?.name, a.attempt, a.state])).toEqual([
    ['callHook', 3, PendingActivityState.PENDING_ACTIVITY_STATE_STARTED],
  ]);
  expect(pending[0].lastFailure?.message).toMatch(/HTTP 503/);

  // C: leaves its first phase; entering the second it sets the phase's flags, then its first message is
  // taken by the receiver and never answered.
  script.set(pilotMessage0, ['hold']);
  await enteredPhase(C, dogfood.id);
  await drivePhase(C, dogfood.id);
  await until('the first pilot message is held', () =>
    Promise.resolve(held.some((h) => h.key === pilotMessage0)),
  );
  mark(`${C}: first pilot message held`);

  const midB = await handleB.query(engineStateQuery);
  const midC = await rollout(C).query(engineStateQuery);
  // B's flag changes are undone; C's entry into the pilot phase has set its flags.
  expect(await flagStore()).toEqual({ ...defaults, ...pilot.flags });
  // Both held requests are still open: the worker is waiting for them when it dies.
  expect(held.map((h) => [h.key, h.res.socket?.destroyed])).toEqual([
    [revertKey, false],
    [pilotMessage0, false],
  ]);

  await stack.killWorker('SIGKILL');
  const killedAt = Date.now();
  mark('worker killed');

  expect(midB.status).toBe('ROLLING_BACK');
  expect(midB.rollback?.steps.map((s) => [s.id, s.status])).toEqual(
    rollbackSteps.map((s, i) => [s, i < 8 ? 'DONE' : i === 8 ? 'RUNNING' : 'PENDING']),
  );
  // C is entering the pilot phase: not yet current (its workflow has not started), shown ENTERING.
  expect(midC.currentPhaseId).toBeUndefined();
  expect(midC.phases.find((p) => p.id === pilot.id)?.status).toBe('ENTERING');
  expect(midC.compensations.map((c) => c.id)).toEqual([`flags-${pilot.id}`]);

  // Without a worker an Update waits (the server keeps it); the restarted worker applies it, once.
  const outage = act(A, dogfood.id, { type: 'complete', itemId: third, actor: ops, note: 'during outage' });
  const early = await Promise.race([outage.then(() => 'answered'), sleep(1500).then(() => 'waiting')]);
  expect(early).toBe('waiting');

  await stack.startWorker();
  const restartedAt = Date.now();
  mark('worker restarted');

  // --- A comes back where it was: the outage's Update is applied after the restart, the two items before
  // the kill keep their people and times; then it runs to the end.
  const afterRestart = await within('the Update sent during the outage is answered', 60_000, outage);
  mark(`${A}: outage Update applied`);
  expect(afterRestart.items.slice(0, 2)).toEqual(beforeKill.items.slice(0, 2));
  expect(afterRestart.items[2]).toMatchObject({
    id: third,
    status: 'DONE',
    doneBy: 'olga',
    note: 'during outage',
  });
  expect(afterRestart.items[2].doneAt).toBeGreaterThan(killedAt);
  await drivePhase(A, dogfood.id);
  // The phase accepted four Updates: the two items before the kill, the outage's, the sign-off.
  const accepted = ((await phase(A, dogfood.id).fetchHistory()).events ?? []).filter(
    (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
  );
  expect(accepted).toHaveLength(4);
  const finalA = await finish(A, 1, dev);

  expect(finalA.status).toBe('COMPLETED');
  expect(finalA.events.filter((e) => e.what.startsWith('entered phase')).map((e) => e.what)).toEqual(
    merchant.phases.map((p) => `entered phase ${p.name}`),
  );
  expect(finalA.phases.map((p) => p.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
  for (const [i, p] of finalA.phases.entries()) {
    if (i) expect(p.enteredAt).toBeGreaterThanOrEqual(finalA.phases[i - 1].completedAt ?? Infinity);
    expect(p.result?.gate.signedBy).toBe('rita');
  }
  expect(finalA.phases[0].result?.items).toEqual(afterRestart.items);
  expect(finalA.phases[0].result?.items[0]).toMatchObject({
    note: 'deployed',
    evidence: 'https://ci.example.com/1',
  });
  expect(finalA.phases[0].result?.gate.signedAt).toBeGreaterThan(restartedAt);
  expect(finalA.reviews.map((r) => [r.id, r.completedBy, r.note])).toEqual(
    merchant.reviews.map((r) => [r.id, 'rita', 'fine']),
  );
  // Every phase message and review notice reached the chat webhook once, in plan order; the outbox agrees.
  expect(callsOf(A)).toEqual(forwardKeys(A).map((key) => ['/notify', key, 200]));
  expect(await outbox(A)).toEqual(forwardKeys(A).map((key) => ({ key, status: 'sent', attempts: 1 })));

  // --- C: the held message is retried under its key once the dead worker's attempt times out (a minute);
  // the receiver takes the repeat as done. The rest of the entry follows, then the rollout runs to the end.
  await enteredPhase(C, pilot.id, dogfood.id, 100_000);
  const finalC = await finish(C, 1, ops);
  expect(finalC.status).toBe('COMPLETED');
  expect(finalC.phases.map((p) => p.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
  expect(finalC.phases[1].enteredAt).toBeLessThan(killedAt);
  expect(finalC.compensations.map((c) => c.id)).toEqual(
    merchant.phases.flatMap((p) => [
      ...(Object.keys(p.flags).length ? [`flags-${p.id}`] : []),
      ...p.communications.map((_, i) => `message-${p.id}-${i}`),
    ]),
  );
  expect(callsOf(C)).toEqual([
    ['/notify', pilotMessage0, 'lost'],
    ...forwardKeys(C, 1).map((key) => ['/notify', key, 200]),
  ]);
  // One row per message, all sent. The held message's attempt count is left out: the attempt cut off by
  // the kill never wrote its count back (it reads 1 after two deliveries).
  expect(await outbox(C)).toEqual(
    forwardKeys(C, 1).map((key) => ({
      key,
      status: 'sent',
      attempts: key === pilotMessage0 ? (expect.any(Number) as unknown) : 1,
    })),
  );

  // --- B: rolled back, each step once, newest side effect first, then the level's own steps.
  const finalB = await ended(B, 60_000);
  expect(finalB.status).toBe('ROLLED_BACK');
  // Rolled back is no success in Temporal's terms either.
  expect((await rollout(B).describe()).status.name).toBe('FAILED');
  expect(finalB.rollback?.steps.map((s) => [s.id, s.status])).toEqual(rollbackSteps.map((s) => [s, 'DONE']));
  const finished = finalB.rollback?.steps.map((s) => s.finishedAt ?? 0) ?? [];
  expect(finished).toEqual([...finished].sort((x, y) => x - y));
  expect(finished[7]).toBeLessThan(killedAt);
  expect(finished[8]).toBeGreaterThan(killedAt);
  expect(finalB.phases.map((p) => p.status)).toEqual(['COMPLETED', 'COMPLETED', 'CANCELLED', 'PENDING']);
  // The endpoints saw the undo messages in reverse, the deploy hook under one key (refused twice, the held
  // attempt, the retry after the restart), then the banner.
  const undoKey = (step: string) => `${rolloutWorkflowId(B)}/rollback/${step}`;
  expect(callsOf(B).slice(forwardCallsB)).toEqual([
    ...rollbackSteps.slice(0, 8).flatMap((s) => (s.includes('flags') ? [] : [['/notify', undoKey(s), 200]])),
    ...[503, 503, 'lost', 200].map((answer) => ['/hooks/revert-deployment', revertKey, answer]),
    ['/notify', undoKey(rollbackSteps[9]), 200],
  ]);
  expect(calls.find((c) => c.key === revertKey)?.body).toEqual({
    rolloutId: B,
    stepId: rollbackSteps[8],
    kind: 'revert-deployment',
    payload: {
      rolloutId: B,
      step: rollbackSteps[8],
      title: 'Revert deployment to previous version',
      reason: 'error rate > 5% for 5 min',
    },
  });
  const messagesB = await outbox(B);
  expect(messagesB.map((m) => m.key)).toEqual([
    ...forwardKeys(B).slice(0, 6),
    ...rollbackSteps.filter((s) => !s.includes('flags') && !s.startsWith('revert')).map(undoKey),
  ]);
  expect(messagesB.filter((m) => m.status !== 'sent' || m.attempts !== 1)).toEqual([]);

  // --- Across all three: a key was only ever sent again after a refusal or a lost answer, always with the
  // same request, and only the two held keys were repeats.
  expect(unjustifiedRepeats(calls)).toEqual([]);
  expect(calls.filter((c) => c.repeat).map((c) => c.key)).toEqual(
    expect.arrayContaining([revertKey, pilotMessage0]),
  );
  expect(calls.filter((c) => c.repeat)).toHaveLength(2);

  // Flag changes: each phase's flags set once per rollout, B's two undone once, no more.
  for (const id of [A, C]) {
    expect((await flagChanges(id)).map((c) => c.changes)).toEqual([pilot.flags, limited.flags]);
  }
  const changesB = await flagChanges(B);
  expect(changesB.map((c) => c.changes)).toEqual([
    pilot.flags,
    limited.flags,
    changesB[1].previous,
    changesB[0].previous,
  ]);
  expect(changesB[0].previous).toEqual(
    Object.fromEntries(Object.keys(pilot.flags).map((k) => [k, defaults[k]])),
  );
  // The flag store as A's and C's last phases left it.
  expect(await flagStore()).toEqual({ ...defaults, ...pilot.flags, ...limited.flags });

  // Audit: one row per transition and one per accepted action (none lost, none doubled by the restarts), the
  // chain intact; the projection at its last version. Each phase: entered (RUNNING), then, once the rollout
  // recorded it, waiting for its sign-off and RUNNING again once signed (a sign-off retried until the soak is
  // over may be taken before the rollout recorded the wait: then neither).
  const transitions = async (id: string) =>
    (await audit(id))
      .filter((a) => a.startsWith('rollout.transition:'))
      .map((a) => a.slice('rollout.transition:'.length));
  const actions = async (id: string) =>
    (await audit(id)).filter((a) => !a.startsWith('rollout.transition:')).sort();
  /** The phases a run of transitions enters, each RUNNING, or RUNNING, WAITING_FOR_SIGN_OFF, RUNNING. */
  const phasesIn = (run: string[]): number => {
    let phases = 0;
    for (let i = 0; i < run.length; phases++) {
      expect([i, run[i]]).toEqual([i, 'RUNNING:engine']);
      i++;
      if (run[i] === 'WAITING_FOR_SIGN_OFF:engine') {
        expect([i + 1, run[i + 1]]).toEqual([i + 1, 'RUNNING:engine']);
        i += 2;
      }
    }
    return phases;
  };
  const [tA, tB, tC] = await Promise.all([A, B, C].map(transitions));
  for (const t of [tA, tC]) {
    expect([t[0], ...t.slice(-2)]).toEqual(['RUNNING:rita', 'IN_REVIEW:engine', 'COMPLETED:engine']);
    expect(phasesIn(t.slice(1, -2))).toBe(merchant.phases.length);
    expect(t.filter((x) => x === 'WAITING_FOR_SIGN_OFF:engine').length).toBeGreaterThanOrEqual(1);
  }
  expect([tB[0], ...tB.slice(-2)]).toEqual(['RUNNING:rita', 'ROLLING_BACK:olga', 'ROLLED_BACK:engine']);
  expect(phasesIn(tB.slice(1, -2))).toBe(3);
  for (const s of [finalA, finalB, finalC]) expect(await actions(s.rolloutId)).toEqual(acceptedActions(s));
  const rows = (await Promise.all([A, B, C].map(audit))).reduce((n, r) => n + r.length, 0);
  expect(rows).toBe(
    tA.length + tB.length + tC.length + [finalA, finalB, finalC].map(acceptedActions).flat().length,
  );
  expect(await new AuditLogService(orm).verify()).toEqual({ ok: true, count: rows, prunedSeq: 0 });
  expect(await projection(A)).toEqual({ status: 'COMPLETED', version: tA.length });
  expect(await projection(C)).toEqual({ status: 'COMPLETED', version: tC.length });
  expect(await projection(B)).toEqual({ status: 'ROLLED_BACK', version: tB.length });

  // Every rollout and phase replayed on the new worker without a nondeterminism failure.
  const workflows = [finalA, finalB, finalC].flatMap((s) => [
    rolloutWorkflowId(s.rolloutId),
    ...s.phases.filter((p) => p.status !== 'PENDING').map((p) => phaseWorkflowId(s.rolloutId, p.id)),
  ]);
  expect(workflows).toHaveLength(3 + 4 + 3 + 4);
  for (const id of workflows) expect([id, await failedTasks(id)]).toEqual([id, []]);
});
