import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MikroORM } from '@mikro-orm/core';
import { temporal } from '@temporalio/proto';
import {
  AuditEntry,
  AuditLogService,
  loadPersistenceConfig,
  mikroOrmOptions,
} from '../../libs/persistence/src';
import type { RolloutPlan } from '../../libs/plan/src';
import {
  awaitPhaseUpdate,
  type EngineState,
  engineStateQuery,
  phaseWorkflowId,
  rolloutWorkflowId,
} from '../../workflows/engine/messages';
import * as effects from '../support/effects';
import { acceptedActions, type IdempotentReceiver, unjustifiedRepeats } from '../support/effects';
import { testDatabaseUrl } from '../support/postgres';
import { IMPORT_PLAN, rolloutOperations } from '../support/rollout-operations';
import { type AppProcess, type GqlResponse, type Stack, startStack, type StackUser } from '../support/stack';
import { subscribe, type Subscription } from '../support/subscription';
import { repoRoot } from '../support/temporal-tools';
import { until as waitUntil, within } from '../support/wait';

// Scale-out, shown: two API processes and two workers on one PostgreSQL database and one Temporal server.
// Both APIs start together on a fresh database (and migrate it together). Two plans imported from Markdown
// are started and driven over GraphQL, each request to the next API in turn. Mid-rollout, while the first
// message of the merchant rollout's third phase is held by the chat webhook (its activity in flight) and its
// second phase's gate sign-off waits on one API for the next phase, that API and the worker running the
// activity are SIGKILLed. The survivors finish the merchant rollout and roll back the admin-panel one (in its
// second phase at the kill); then nothing may be lost or doubled: flag store, outbox and webhook deliveries,
// audit chain, projections.

// A run takes two to three minutes: most of it the minute Temporal waits before it retries an activity
// whose worker died. Every wait is bounded and names what it waited for.
jest.setTimeout(600_000);

/** A week's soak takes 0.6 s, the three-month review 8 s (as in rollouts.e2e.ts). */
const TIME_SCALE = 1e-6;

const FIELDS = /* GraphQL */ `
  id
  status
  currentPhase
  phases {
    id
    status
    checklist {
      id
      kind
      status
    }
    gate {
      signedBy
    }
  }
  reviews {
    id
    completedBy
  }
`;

interface RolloutView {
  id: string;
  status: string;
  currentPhase?: string;
  phases: {
    id: string;
    status: string;
    checklist: { id: string; kind: string; status: string }[];
    gate?: { signedBy?: string };
  }[];
  reviews: { id: string; completedBy?: string }[];
}

const { START, ROLLOUT, mutation, COMPLETE, APPROVE, SIGN } = rolloutOperations(FIELDS);
const REVIEW = mutation('completeReview', 'CompleteReviewInput');
const ROLLBACK = mutation('triggerRollback', 'TriggerRollbackInput');
const CHECK = mutation('recordCheckResult', 'RecordCheckResultInput');

const rita: StackUser = { id: 'rita', roles: ['release-manager'] };

let stack: Stack;
let receiver: IdempotentReceiver;
let orm: MikroORM;

/** What the test has reached, with seconds since it started: shown by a failing wait. */
const timeline: string[] = [];
const startedAt = Date.now();
const mark = (what: string) => timeline.push(`${((Date.now() - startedAt) / 1000).toFixed(1)}s ${what}`);

function failure(what: string): Error {
  const tail = (p: AppProcess) =>
    `--- ${p.kind} ${p.pid} (${p.alive() ? 'alive' : 'dead'})\n${p.output().slice(-1500)}`;
  return new Error(
    `${what}\n--- timeline ---\n${timeline.join('\n')}\n${[...stack.apis, ...stack.workers].map(tail).join('\n')}`,
  );
}

/** The shared `until`, failing with this test's timeline and every process's last output. */
const until = <T>(what: string, check: () => Promise<T | undefined>, ms = 60_000): Promise<T> =>
  waitUntil(what, check, { timeoutMs: ms, explain: () => failure('').message });

/** Requests go to the live APIs in turn; `served` counts what each answered. */
let turn = 0;
const served = new Map<number, number>();
function nextApi(): AppProcess {
  const live = stack.apis.filter((a) => a.alive());
  const api = live[turn++ % live.length];
  served.set(api.pid, (served.get(api.pid) ?? 0) + 1);
  return api;
}
const gql = <T = Record<string, RolloutView>>(
  query: string,
  variables: Record<string, unknown>,
  as: StackUser,
): Promise<GqlResponse<T>> => stack.gqlAt<T>(nextApi().url!, query, variables, as);

/** The mutation's answer once accepted; a typed refusal (too early) counts as "not yet", a 500 fails. */
function accepted(what: string, query: string, input: Record<string, unknown>, as: StackUser) {
  return until(what, async () => {
    const r = await gql(query, { input }, as);
    if (r.errors) {
      expect(r.errors[0].extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
      throw new Error(JSON.stringify(r.errors[0]));
    }
    return Object.values(r.data ?? {})[0];
  });
}

async function read(id: string): Promise<RolloutView> {
  const r = await gql(ROLLOUT, { id }, rita);
  if (r.errors) throw new Error(JSON.stringify(r.errors[0]));
  return r.data!.rollout;
}

/**
 * Completes (and approves) what is open in the phase, meets its sustained conditions; not the gate. Sent at
 * once: the caller has an answer naming the phase (a start's, a sign-off's, or the rollout's awaitPhase),
 * and a phase is named current only once its workflow runs.
 */
async function work(id: string, phase: RolloutPlan['phases'][number], doer: StackUser, approver: StackUser) {
  for (const item of phase.checklist.filter((i) => i.kind === 'sustained'))
    await until(`${item.id} held`, async () => {
      const r = await gql(CHECK, { input: { rolloutId: id, itemId: item.id, healthy: true } }, doer);
      if (r.errors) throw new Error(JSON.stringify(r.errors[0]));
      const now = r.data!.recordCheckResult.phases.find((p) => p.id === phase.id)!.checklist;
      return now.find((i) => i.id === item.id)?.status === 'DONE' ? true : undefined;
    });
  for (const item of phase.checklist.filter((i) => i.kind !== 'sustained')) {
    const input = { rolloutId: id, itemId: item.id, phaseId: phase.id, note: 'done' };
    expect((await gql(COMPLETE, { input }, doer)).errors).toBeUndefined();
    if (item.kind === 'approval') {
      const approved = await gql(APPROVE, { input: { rolloutId: id, itemId: item.id } }, approver);
      expect(approved.errors).toBeUndefined();
    }
  }
}

/** The list without repeats of the entry before (RUNNING, RUNNING → RUNNING). */
const collapsed = (list: string[]) => list.filter((a, i) => a !== list[i - 1]);

/** Each rollout's `rolloutEvents`, subscribed before it starts (through the API that survives). */
type Event = { rolloutEvents: { action: string; target: string; payloadJson: string } };
const watching = new Map<string, Subscription<Event>>();
async function watch(id: string): Promise<void> {
  const query = `subscription E($id: ID!) { rolloutEvents(rolloutId: $id) { action target payloadJson } }`;
  const token = await stack.token('vera', ['viewer']);
  watching.set(id, subscribe<Event>(stack.apis[0].url!, query, { id }, token));
}

/** The moment the rollout reports that only the gate of `phaseId` is left (its soak over). */
const waitingForSignOff = (id: string, phaseId: string) =>
  watching
    .get(id)!
    .when(
      ({ rolloutEvents: e }) =>
        e.action === 'rollout.transition' &&
        e.target === 'WAITING_FOR_SIGN_OFF' &&
        (JSON.parse(e.payloadJson) as { phase?: string }).phase === phaseId,
      `${id} waiting for the sign-off of ${phaseId}`,
    );

/** Signs the gate the moment the rollout waits for it: accepted at once, no retry. */
async function signGate(id: string, phaseId: string, approver: StackUser): Promise<RolloutView> {
  await waitingForSignOff(id, phaseId).catch((err: Error) => {
    throw failure(err.message);
  });
  const r = await gql(SIGN, { input: { rolloutId: id, phaseId, note: 'go' } }, approver);
  if (r.errors) throw failure(`gate of ${phaseId} refused: ${JSON.stringify(r.errors[0])}`);
  return r.data!.signOffGate;
}

const { EventType } = temporal.api.enums.v1;

(testDatabaseUrl() ? describe : describe.skip)('on PostgreSQL', () => {
  beforeAll(async () => {
    receiver = await effects.startIdempotentReceiver();
    stack = await startStack('scale-out', {
      database: 'postgresql',
      apis: 2,
      workers: 2,
      workerEnv: {
        NOTIFY_WEBHOOK_URL: `${receiver.url}/notify`,
        // The held request must stay in flight until the kill (the activity's own timeout is a minute).
        ADAPTER_TIMEOUT_MS: '50000',
      },
    });
    mark('stack up: 2 APIs, 2 workers');
    const options = mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: stack.databaseUrl }));
    orm = await MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
  });

  afterAll(async () => {
    await Promise.all([...watching.values()].map((w) => w.close()));
    await orm?.close();
    await stack?.stop();
    await receiver?.close();
  });

  test('one API and one worker SIGKILLed mid-rollout: the survivors complete one rollout and roll back another, nothing lost or doubled', async () => {
    const [survivorApi, victimApi] = stack.apis;
    expect(stack.apis.map((a) => a.alive())).toEqual([true, true]);
    expect(stack.workers.map((w) => w.alive())).toEqual([true, true]);
    // Both APIs migrated the same fresh database at once: each migration is recorded once.
    const migrations = (await orm.em
      .getConnection()
      .execute('select name from mikro_orm_migrations order by id')) as { name: string }[];
    expect(migrations.length).toBeGreaterThan(0);
    expect(new Set(migrations.map((m) => m.name)).size).toBe(migrations.length);

    /** Imports examples/<name>.md (as teams wrote it) and reads the plan back as the API stores it. */
    const importPlan = async (name: string) => {
      const markdown = readFileSync(join(repoRoot, `examples/${name}.md`), 'utf8');
      const imported = await gql<{ importPlan: { planVersion: { id: string } } }>(
        IMPORT_PLAN,
        { input: { markdown, name } },
        rita,
      );
      expect(imported.errors).toBeUndefined();
      const versionId = imported.data!.importPlan.planVersion.id;
      const planned = await gql<{ planVersion: { planJson: string } }>(
        `query P($id: ID!) { planVersion(id: $id) { planJson } }`,
        { id: versionId },
        rita,
      );
      return { versionId, plan: JSON.parse(planned.data!.planVersion.planJson) as RolloutPlan };
    };
    // A: the merchant platform, driven to COMPLETED across the kill. B: the admin panel, in its second phase
    // at the kill, rolled back through the survivors.
    const { versionId: planVersionId, plan } = await importPlan('merchant-platform');
    const { versionId: planVersionB, plan: planB } = await importPlan('admin-panel');
    const roles = [
      ...new Set([...plan.phases, ...planB.phases].flatMap((p) => p.checklist.flatMap((i) => i.roles ?? []))),
    ];
    const doer: StackUser = { id: 'olga', roles: ['operator', ...roles] };
    const approver: StackUser = { id: 'rita', roles: ['release-manager', ...roles] };
    // Killed between the second and third phase: two phases' worth of requests through both APIs before.
    const [first, second, third, ...rest] = plan.phases;
    expect(third.communications.length).toBeGreaterThan(0);

    const id = 'scale-out';
    const wfId = rolloutWorkflowId(id);
    const B = 'scale-out-rollback';
    await Promise.all([watch(id), watch(B)]);
    const started = await gql(
      START,
      { input: { id, planVersionId, title: 'Scale-out', parameters: { timeScale: TIME_SCALE } } },
      rita,
    );
    expect(started.errors).toBeUndefined();
    const startedB = await gql(
      START,
      { input: { id: B, planVersionId: planVersionB, parameters: { timeScale: TIME_SCALE } } },
      rita,
    );
    expect(startedB.errors).toBeUndefined();
    // Each answer names the first phase: its workflow runs, and the items go to it at once.
    expect(started.data!.startRollout.currentPhase).toBe(first.id);
    expect(startedB.data!.startRollout.currentPhase).toBe(planB.phases[0].id);
    mark('started');
    await work(B, planB.phases[0], doer, approver);
    const signedB = await signGate(B, planB.phases[0].id, approver);
    expect(signedB.currentPhase).toBe(planB.phases[1].id);
    mark(`${B}: in ${planB.phases[1].id}`);

    // --- The first two phases, through both APIs in turn.
    await work(id, first, doer, approver);
    const signedFirst = await signGate(id, first.id, approver);
    expect(signedFirst.currentPhase).toBe(second.id);
    mark(`${first.id}: signed`);
    await work(id, second, doer, approver);
    mark(`${second.id}: items done`);

    // --- The second phase's gate is signed through the API about to die; entering the third phase, the
    // rollout's first message is taken by the chat webhook and never answered. The sign-off's answer waits
    // for the next phase (up to 10 s), so it is most likely still in flight when its API is killed.
    const heldKey = `${wfId}/${third.id}/message-0`;
    receiver.script.set(heldKey, ['hold']);
    const isHeld = () => receiver.held.some((h) => h.key === heldKey);
    // Sent once, the moment the rollout waits for it.
    await waitingForSignOff(id, second.id);
    const signOff = stack.gqlAt<Record<string, RolloutView>>(
      victimApi.url!,
      SIGN,
      { input: { rolloutId: id, phaseId: second.id, note: 'go' } },
      approver,
    );
    // Accepted (and answered), or still waiting for the next phase once its first message is held.
    await within(
      90_000,
      `gate of ${second.id} signed through API ${victimApi.pid}`,
      (async () => {
        for (;;) {
          const answer = await Promise.race([signOff, sleep(100).then(() => undefined)]);
          if (answer?.errors)
            throw failure(`gate of ${second.id} refused: ${JSON.stringify(answer.errors[0])}`);
          if (answer || isHeld()) return;
        }
      })(),
    );
    await until('the first message of the next phase is held', () => Promise.resolve(isHeld() || undefined));
    mark(`${heldKey} held`);
    // The worker whose activity holds it: the pending activity names it (`<pid>@<host>`).
    const pending = await until('the held message pending on a worker', async () => {
      const described = await stack.env.client.workflow.getHandle(wfId).describe();
      return (described.raw.pendingActivities ?? []).find(
        (a) => a.activityType?.name === 'notify' && a.lastWorkerIdentity,
      );
    });
    const victimWorker = stack.workers.find((w) => `${pending.lastWorkerIdentity}`.startsWith(`${w.pid}@`));
    expect(victimWorker).toBeDefined();
    const survivorWorker = stack.workers.find((w) => w !== victimWorker)!;
    const answered = signOff.then(
      () => true,
      () => true,
    );
    const signOffInFlight = !(await Promise.race([answered, sleep(0).then(() => false)]));
    expect(receiver.held[0].res.socket?.destroyed).toBe(false);

    await Promise.all([victimWorker!.kill('SIGKILL'), victimApi.kill('SIGKILL')]);
    mark(
      `SIGKILLed worker ${victimWorker!.pid} and API ${victimApi.pid} (sign-off in flight: ${signOffInFlight})`,
    );
    expect([victimWorker!.alive(), victimApi.alive()]).toEqual([false, false]);
    expect(served.get(victimApi.pid)).toBeGreaterThan(2);

    // The sign-off was accepted, whether or not its answer got out before the API died. A client that lost
    // the answer retries through the other API and is refused (typed), not signed twice.
    const signOffAnswer = await signOff.then(
      (r) => r,
      (e: Error) => e,
    );
    if (signOffAnswer instanceof Error) expect(signOffInFlight).toBe(true);
    else expect(signOffAnswer.errors).toBeUndefined();
    const retried = await stack.gqlAt(
      survivorApi.url!,
      SIGN,
      { input: { rolloutId: id, phaseId: second.id, note: 'go' } },
      approver,
    );
    expect(retried.errors?.[0].extensions?.code).toBe('CONFLICT');
    const afterKill = await read(id);
    expect(afterKill.phases[1]).toMatchObject({ status: 'COMPLETED', gate: { signedBy: 'rita' } });

    // B is rolled back through the survivors meanwhile: its phase messages are taken back, newest first.
    const rolling = await accepted(
      `rollback of ${B}`,
      ROLLBACK,
      { rolloutId: B, reason: 'scale-out drill' },
      doer,
    );
    expect(rolling.status).toMatch(/^ROLL(ING|ED)_BACK$/);

    // --- The survivors: the held message is retried by the surviving worker once the dead one's attempt has
    // timed out (a minute); the receiver takes the repeat as done. Then every phase and review, to the end.
    // No API answer names the third phase (the sign-off's may have died with its API): the rollout's own
    // awaitPhase Update answers once it has entered it, its workflow running (after the retried message).
    const entered = await within(
      180_000,
      `${id} entering ${third.id}`,
      stack.env.client.workflow
        .getHandle(wfId)
        .executeUpdate(awaitPhaseUpdate, { args: [{ after: second.id }] }),
    ).catch((err: Error) => {
      throw failure(err.message);
    });
    expect([entered.status, entered.currentPhaseId]).toEqual(['RUNNING', third.id]);
    mark(`${third.id}: entered through the survivors`);
    await work(id, third, doer, approver);
    let signed = await signGate(id, third.id, approver);
    for (const phase of rest) {
      expect(signed.currentPhase).toBe(phase.id);
      await work(id, phase, doer, approver);
      signed = await signGate(id, phase.id, approver);
      mark(`${phase.id}: signed`);
    }
    // Each review once its notice has reached the chat webhook (the notice tells people it is due).
    for (const review of plan.reviews) {
      const notice = `${wfId}/review-${review.id}`;
      await until(`notice of review ${review.id}`, () =>
        Promise.resolve(receiver.calls.some((c) => c.key === notice && c.answer === 200) || undefined),
      );
      await accepted(
        `review ${review.id}`,
        REVIEW,
        { rolloutId: id, reviewId: review.id, note: 'fine' },
        rita,
      );
    }
    const done = await until('COMPLETED', async () => {
      const r = await read(id);
      return r.status === 'COMPLETED' ? r : undefined;
    });
    mark('completed');
    expect(done.phases.map((p) => p.status)).toEqual(plan.phases.map(() => 'COMPLETED'));
    expect(survivorWorker.alive() && survivorApi.alive()).toBe(true);

    const rolledBack = await until(`${B} rolled back`, async () => {
      const r = await read(B);
      return r.status === 'ROLLED_BACK' ? r : undefined;
    });
    expect(rolledBack.phases.map((p) => p.status)).toEqual(
      planB.phases.map((_, i) => (i === 0 ? 'COMPLETED' : i === 1 ? 'CANCELLED' : 'PENDING')),
    );
    mark(`${B}: rolled back`);

    // --- The workflows' own outcomes.
    // A rolled-back rollout closes Failed in Temporal (its outcome named); its final state stays readable.
    const handleB = stack.env.client.workflow.getHandle(rolloutWorkflowId(B));
    await expect(handleB.result()).rejects.toMatchObject({ cause: { type: 'ROLLED_BACK' } });
    expect((await handleB.describe()).status.name).toBe('FAILED');
    const finalB = await handleB.query(engineStateQuery);
    expect(finalB.status).toBe('ROLLED_BACK');
    expect(finalB.rollback?.steps.length).toBeGreaterThan(0);
    expect(finalB.rollback?.steps.filter((s) => s.status !== 'DONE')).toEqual([]);
    const handle = stack.env.client.workflow.getHandle(wfId);
    const final = (await handle.result()) as EngineState;
    expect(final.status).toBe('COMPLETED');
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect((await handle.query(engineStateQuery)).status).toBe('COMPLETED');

    // Flags: the store holds each plan flag at its final value (its default, then each phase's in order);
    // each phase's flags were set once; the API reads the same store.
    const finalFlags = Object.assign(
      Object.fromEntries(plan.flags.map((f) => [f.key, f.default])),
      ...plan.phases.map((p) => p.flags),
    ) as Record<string, unknown>;
    const store = await effects.flagStore(orm);
    expect(Object.fromEntries(Object.keys(finalFlags).map((k) => [k, store[k]]))).toEqual(finalFlags);
    expect((await effects.flagChangesOf(orm, id)).map((c) => c.changes)).toEqual(
      plan.phases.filter((p) => Object.keys(p.flags).length).map((p) => p.flags),
    );
    const listed = await gql<{ flags: { key: string; value: string }[] }>(
      `query { flags { key value } }`,
      {},
      rita,
    );
    const apiFlags = Object.fromEntries(listed.data!.flags.map((f) => [f.key, f.value]));
    for (const [key, value] of Object.entries(finalFlags))
      expect([key, apiFlags[key]]).toEqual([key, JSON.stringify(value)]);

    // Outbox and webhook: every phase message and review notice in the outbox once, sent; each key took effect
    // at the receiver once; a key was sent again only after its answer was lost (the held one), same request.
    const forwardKeys = [
      ...plan.phases.flatMap((p) => p.communications.map((_, i) => `${wfId}/${p.id}/message-${i}`)),
      ...plan.reviews.map((r) => `${wfId}/review-${r.id}`),
    ];
    const outbox = await effects.outboxOf(orm, id);
    const outboxKeys = outbox.map((m) => m.key);
    expect(new Set(outboxKeys).size).toBe(outboxKeys.length);
    expect(forwardKeys.filter((k) => !outboxKeys.includes(k))).toEqual([]);
    expect(outbox.filter((m) => m.status !== 'sent')).toEqual([]);
    expect(outbox.filter((m) => m.key !== heldKey && m.attempts !== 1)).toEqual([]);
    const calls = receiver.calls.filter((c) => c.body.rolloutId === id);
    expect([...new Set(calls.map((c) => c.key))].sort()).toEqual([...outboxKeys].sort());
    expect(calls.filter((c) => c.key === heldKey).map((c) => [c.answer, c.repeat])).toEqual([
      ['lost', false],
      [200, true],
    ]);
    // B: its forward messages, then one message taking back each, newest first; each once, each sent.
    const wfB = rolloutWorkflowId(B);
    const forwardB = planB.phases
      .slice(0, 2)
      .flatMap((p) => p.communications.map((_, i) => `${wfB}/${p.id}/message-${i}`));
    const undoB = finalB.rollback!.steps.map((s) => `${wfB}/rollback/${s.id}`);
    // (A daily check-in reminder of its second phase may come due if the machine is slow, and the notices asking
    // people to act go out beside the rollout's own messages (notices.e2e.ts): left aside here.)
    const reminder = (key: string) => /\/(check-in-\d+|deadline|gate-ready|requested\/[^/]+)$/.test(key);
    const outboxB = await effects.outboxOf(orm, B);
    expect(outboxB.map((m) => m.key).filter((k) => !reminder(k))).toEqual([...forwardB, ...undoB]);
    expect(outboxB.filter((m) => m.status !== 'sent' || m.attempts !== 1)).toEqual([]);
    const callsB = receiver.calls.filter((c) => c.body.rolloutId === B && !reminder(c.key));
    expect(callsB.map((c) => [c.key, c.answer])).toEqual([...forwardB, ...undoB].map((k) => [k, 200]));
    // Across both: a key was sent again only after its answer was lost with its worker, as the same request.
    expect(unjustifiedRepeats(receiver.calls)).toEqual([]);
    expect(receiver.calls.filter((c) => c.repeat).map((c) => c.key)).toContain(heldKey);

    // Audit: one row per transition and one per accepted action, none lost with the dead API or worker,
    // none doubled by a retry; the chain verifies, in process and through the CLI.
    // Each phase entered (RUNNING), then waiting for its sign-off; a sign-off's RUNNING (the phase no longer
    // waiting) and the next phase's entry read the same, so runs of one transition are counted once.
    const trail = await effects.auditTrail(orm, id);
    expect(collapsed(trail.filter((a) => a.startsWith('rollout.transition:')))).toEqual([
      'rollout.transition:RUNNING:rita',
      ...plan.phases.flatMap(() => [
        'rollout.transition:RUNNING:engine',
        'rollout.transition:WAITING_FOR_SIGN_OFF:engine',
      ]),
      'rollout.transition:RUNNING:engine',
      ...(plan.reviews.length ? ['rollout.transition:IN_REVIEW:engine'] : []),
      'rollout.transition:COMPLETED:engine',
    ]);
    const acceptedRows = await orm.em.fork().find(
      AuditEntry,
      {
        rolloutId: id,
        outcome: { $ne: 'refused' },
        action: { $nin: ['rollout.transition', 'check.result'] },
      },
      { orderBy: { id: 'asc' } },
    );
    expect(acceptedRows.map((r) => `${r.action}:${r.target}:${r.actor}`).sort()).toEqual(
      acceptedActions(final),
    );
    const total = await orm.em.fork().count(AuditEntry, {});
    expect(await new AuditLogService(orm).verify()).toMatchObject({ ok: true, count: total });
    const cli = spawnSync(process.execPath, ['dist/apps/cli/src/main.js', 'audit', 'verify'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DATABASE_URL: stack.databaseUrl },
      timeout: 60_000,
    });
    expect({ status: cli.status, stderr: cli.stderr }).toEqual({ status: 0, stderr: '' });
    expect(cli.stdout).toMatch(new RegExp(`^audit log OK: ${total} entries`));

    const trailB = await effects.auditTrail(orm, B);
    const transitionsB = trailB.filter((a) => a.startsWith('rollout.transition:'));
    expect(collapsed(transitionsB)).toEqual([
      'rollout.transition:RUNNING:rita',
      'rollout.transition:RUNNING:engine',
      'rollout.transition:WAITING_FOR_SIGN_OFF:engine',
      'rollout.transition:RUNNING:engine',
      'rollout.transition:ROLLING_BACK:olga',
      'rollout.transition:ROLLED_BACK:engine',
    ]);
    const acceptedB = await orm.em.fork().find(
      AuditEntry,
      {
        rolloutId: B,
        outcome: { $ne: 'refused' },
        action: { $nin: ['rollout.transition', 'check.result'] },
      },
      { orderBy: { id: 'asc' } },
    );
    expect(acceptedB.map((r) => `${r.action}:${r.target}:${r.actor}`).sort()).toEqual(
      acceptedActions(finalB),
    );

    // The projections say what the workflows say, at their last version (one per transition).
    const transitions = trail.filter((a) => a.startsWith('rollout.transition:')).length;
    expect(await effects.projectionOf(orm, id)).toEqual({ status: final.status, version: transitions });
    expect(await effects.projectionOf(orm, B)).toEqual({
      status: finalB.status,
      version: transitionsB.length,
    });

    // Every workflow replayed on the surviving worker without a failed task; the surviving worker ran
    // the activities after the kill (the held message's retry among them).
    const workflows = [
      wfId,
      ...plan.phases.map((p) => phaseWorkflowId(id, p.id)),
      rolloutWorkflowId(B),
      ...planB.phases.slice(0, 2).map((p) => phaseWorkflowId(B, p.id)),
    ];
    for (const w of workflows)
      expect([w, await effects.failedWorkflowTasks(stack.env.client, w)]).toEqual([w, 0]);
    const history = (await handle.fetchHistory()).events ?? [];
    const heldScheduled = history.find(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
        (e.activityTaskScheduledEventAttributes?.input?.payloads ?? []).some((p) =>
          Buffer.from(p.data ?? [])
            .toString('utf8')
            .includes(heldKey),
        ),
    );
    const heldStarted = history.find(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED &&
        String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(heldScheduled?.eventId),
    )?.activityTaskStartedEventAttributes;
    expect([heldStarted?.attempt, heldStarted?.identity?.split('@')[0]]).toEqual([
      2,
      String(survivorWorker.pid),
    ]);
    expect(served.get(survivorApi.pid)).toBeGreaterThan(served.get(victimApi.pid)!);
    mark(`checked; requests served: ${JSON.stringify(Object.fromEntries(served))}`);
    process.stdout.write(`scale-out timeline:\n${timeline.join('\n')}\n`);
  });
});
