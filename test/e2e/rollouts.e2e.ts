import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FilterQuery, MikroORM } from '@mikro-orm/core';
import { AuditEntry, loadPersistenceConfig, mikroOrmOptions } from '../../libs/persistence/src';
import { metricReadingSignal, phaseWorkflowId, rolloutWorkflowId } from '../../workflows/engine/messages';
import { repoRoot } from '../support/temporal-tools';
import { until as waitUntil } from '../support/wait';
import { describeEachDatabase } from '../support/postgres';
import { type GqlResponse, adaptersAt, startStack, type Stack } from '../support/stack';
import { subscribe } from '../support/subscription';
import { IMPORT_PLAN, rolloutOperations } from '../support/rollout-operations';

// The GraphQL API over HTTP against the built API and worker on a real Temporal dev server: a plan is
// imported from Markdown, started at a tiny time scale, and driven to the end
// by people with roles; refusals come back as typed errors.

jest.setTimeout(180_000);

/**
 * A week's soak takes 0.6 s, the three-month review 8 s. Not 1e-7: the pilot phase's daily check-in would
 * then come due every 8.6 ms, faster than its reminder is sent, and the phase would never get to leave.
 */
const TIME_SCALE = 1e-6;

const ROLLOUT_FIELDS = /* GraphQL */ `
  id
  plan
  planVersionId
  status
  currentPhase
  startedBy
  workflowId
  webUiUrl
  phases {
    id
    status
    enteredAt
    completedAt
    checklist {
      id
      kind
      status
      doneBy
      note
      evidence
    }
    gate {
      signedBy
    }
  }
  flags {
    key
    valueJson
  }
  timers {
    kind
    dueAt
  }
  rollback {
    level
    steps {
      id
      status
      error
    }
  }
  reviews {
    id
    status
    completedBy
  }
`;

interface RolloutView {
  id: string;
  plan: string;
  planVersionId?: string;
  status: string;
  currentPhase?: string;
  startedBy: string;
  workflowId: string;
  webUiUrl: string;
  phases: {
    id: string;
    status: string;
    checklist: {
      id: string;
      kind: string;
      status: string;
      doneBy?: string;
      note?: string;
      evidence?: string;
    }[];
    gate?: { signedBy?: string };
  }[];
  flags: { key: string; valueJson: string }[];
  timers: { kind: string; dueAt: string }[];
  rollback?: { level?: string; steps: { id: string; status: string; error?: string }[] };
  reviews: { id: string; status: string; completedBy?: string }[];
}

const { START, ROLLOUT, mutation, COMPLETE, APPROVE, SIGN } = rolloutOperations(ROLLOUT_FIELDS);
const SKIP = mutation('skipChecklistItem', 'SkipChecklistItemInput');
const PAUSE = mutation('pauseRollout', 'PauseRolloutInput');
const RESUME = mutation('resumeRollout', 'RolloutRefInput');
const ROLLBACK = mutation('triggerRollback', 'TriggerRollbackInput');
const REVIEW = mutation('completeReview', 'CompleteReviewInput');
const CHECK = mutation('recordCheckResult', 'RecordCheckResultInput');
const LIST = /* GraphQL */ `
  query List($filter: RolloutFilterInput, $first: Int, $after: String) {
    rollouts(filter: $filter, first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          plan
          status
          currentPhase
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** People, as their bearer tokens name them. */
const olga = { id: 'olga', roles: ['operator'] };
const dan = { id: 'dan', roles: ['engineer'] };
const rita = { id: 'rita', roles: ['release-manager'] };
type Person = typeof olga;

let stack: Stack;
let server: Server;
const calls: string[] = [];

const gql = <T = Record<string, RolloutView>>(
  query: string,
  variables: Record<string, unknown>,
  as: Person = olga,
): Promise<GqlResponse<T>> => stack.gql<T>(query, variables, as);

/** Polls until `check` returns a value (errors count as "not yet"), or fails naming what never happened. */
const until = <T>(what: string, check: () => Promise<T | undefined>, ms = 45_000) =>
  waitUntil(what, check, { timeoutMs: ms, explain: () => stack.workerOutput().slice(-2000) });

/** The mutation's rollout once it is accepted; a refusal counts as "not yet". */
async function accepted(what: string, query: string, input: Record<string, unknown>, as: Person) {
  return until(what, async () => {
    const r = await gql(query, { input }, as);
    if (r.errors) throw new Error(JSON.stringify(r.errors[0]));
    return Object.values(r.data ?? {})[0];
  });
}

async function read(id: string): Promise<RolloutView> {
  const r = await gql(ROLLOUT, { id });
  if (r.errors) throw new Error(JSON.stringify(r.errors[0]));
  return r.data!.rollout;
}

/**
 * What startRollout and signOffGate guarantee: their answer names the phase the rollout is in, RUNNING, with
 * its checklist (the phase's workflow runs and answered), so the next action can be sent at once.
 */
function expectInPhase(r: RolloutView, phaseId: string): RolloutView {
  const phase = r.phases.find((p) => p.id === phaseId);
  expect([r.currentPhase, phase?.status, (phase?.checklist.length ?? 0) > 0]).toEqual([
    phaseId,
    'RUNNING',
    true,
  ]);
  return r;
}

/** Imports examples/<name>.md (the seed plans, as teams wrote them) as a release manager. */
async function importPlan(name: string): Promise<string> {
  const markdown = readFileSync(join(repoRoot, `examples/${name}.md`), 'utf8');
  const r = await gql<{ importPlan: { planVersion: { id: string } } }>(
    IMPORT_PLAN,
    { input: { markdown, name } },
    rita,
  );
  expect(r.errors).toBeUndefined();
  return r.data!.importPlan.planVersion.id;
}

const importMerchant = () => importPlan('merchant-platform');

/** The plan as imported (its phases and post-launch reviews), as the API returns it. */
async function planOf(planVersionId: string): Promise<PlanJson> {
  const plan = await gql<{ planVersion: { planJson: string } }>(
    `query P($id: ID!) { planVersion(id: $id) { planJson } }`,
    { id: planVersionId },
  );
  return JSON.parse(plan.data!.planVersion.planJson) as PlanJson;
}

async function start(id: string, planVersionId: string): Promise<RolloutView> {
  const r = await gql(
    START,
    { input: { id, planVersionId, title: `E2E ${id}`, parameters: { timeScale: TIME_SCALE } } },
    rita,
  );
  expect(r.errors).toBeUndefined();
  return r.data!.startRollout;
}

interface PlanJson {
  phases: { id: string; checklist: { id: string; kind: string; roles?: string[] }[] }[];
  reviews: { id: string }[];
}

/** The audit log's rows, straight from the database the API and worker share. */
async function auditRows(where: FilterQuery<AuditEntry>): Promise<AuditEntry[]> {
  const orm = await MikroORM.init(
    mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: stack.databaseUrl })),
  );
  try {
    return await orm.em.fork().find(AuditEntry, where, { orderBy: { id: 'asc' } });
  } finally {
    await orm.close();
  }
}

/** Rewrites one audit row's actor behind the log's back, as someone with database access could. */
async function editAuditRow(id: number, actor: string): Promise<void> {
  const orm = await MikroORM.init(
    mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: stack.databaseUrl })),
  );
  try {
    await orm.em.getConnection().execute('update audit_entry set actor = ? where id = ?', [actor, id], 'run');
  } finally {
    await orm.close();
  }
}

/** Accepted actions and transitions of a rollout, as `action:target:actor`. */
const auditActions = async (rolloutId: string): Promise<string[]> =>
  (await auditRows({ rolloutId, outcome: { $ne: 'refused' }, action: { $ne: 'check.result' } })).map(
    (r) => `${r.action}:${r.target}:${r.actor}`,
  );

let base = '';
beforeAll(async () => {
  // Deploy hooks and chat: an endpoint that answers 200 and remembers what it was sent.
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls.push(req.url ?? '');
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
});

// The same suite on each database the product supports: SQLite, and PostgreSQL (see test/support/postgres.ts).
describeEachDatabase((database) => {
  beforeAll(async () => {
    calls.length = 0;
    stack = await startStack(`rollouts-${database}`, {
      database,
      workerEnv: adaptersAt(base),
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  test.each(['merchant-platform', 'admin-panel'])(
    'the %s seed, imported from Markdown, is driven through every phase and review to COMPLETED',
    async (name) => {
      const planVersionId = await importPlan(name);
      const { phases: planned, reviews } = await planOf(planVersionId);
      // The people the plan names: olga does the work, rita approves and signs (never her own work).
      const planRoles = [...new Set(planned.flatMap((p) => p.checklist.flatMap((i) => i.roles ?? [])))];
      const doer = { id: 'olga', roles: ['operator', ...planRoles] };
      const approver = { id: 'rita', roles: ['release-manager', ...planRoles] };
      const id = `e2e-${name}`;
      // An admin UI watching it from before it starts: every event, live, until it has ended.
      const watching = subscribe<{
        rolloutEvents: { seq: number; action: string; target: string; actor: string };
      }>(
        stack.apiUrl,
        `subscription E($id: ID!) { rolloutEvents(rolloutId: $id) { seq action target actor } }`,
        { id },
        await stack.token('vera', ['viewer']),
      );
      const started = await start(id, planVersionId);
      expect(started).toMatchObject({
        id,
        plan: name,
        planVersionId,
        startedBy: 'rita',
        workflowId: rolloutWorkflowId(id),
        webUiUrl: expect.stringMatching(
          new RegExp(`/namespaces/default/workflows/rollout-${id}$`),
        ) as unknown,
      });
      const phaseIds = started.phases.map((p) => p.id);
      expect(phaseIds.length).toBeGreaterThanOrEqual(3);

      // Each answer (the start, then each sign-off) names the phase the next actions go to: no waiting.
      let answer: RolloutView = started;
      for (const phaseId of phaseIds) {
        const state = expectInPhase(answer, phaseId);
        const phase = state.phases.find((p) => p.id === phaseId)!;
        // A sustained condition ("EF availability green for 24h", 86 ms at this scale) is met by checks:
        // a failing one keeps it open, then healthy ones until it has held long enough.
        for (const item of phase.checklist.filter((i) => i.kind === 'sustained')) {
          const failing = await gql(
            CHECK,
            { input: { rolloutId: id, itemId: item.id, healthy: false } },
            doer,
          );
          expect(failing.errors).toBeUndefined();
          await until(`${item.id} held`, async () => {
            const r = await gql(CHECK, { input: { rolloutId: id, itemId: item.id, healthy: true } }, doer);
            if (r.errors) throw new Error(JSON.stringify(r.errors[0]));
            const now = r.data!.recordCheckResult.phases.find((p) => p.id === phaseId)!.checklist;
            return now.find((i) => i.id === item.id)?.status === 'DONE' ? true : undefined;
          });
        }
        for (const item of phase.checklist.filter((i) => i.status === 'OPEN' && i.kind !== 'sustained')) {
          const input = { rolloutId: id, itemId: item.id, phaseId, note: 'done', evidence: 'https://ci/1' };
          const done = await gql(COMPLETE, { input }, doer);
          expect(done.errors).toBeUndefined();
          if (item.kind === 'approval') {
            const approved = await gql(APPROVE, { input: { rolloutId: id, itemId: item.id } }, approver);
            expect(approved.errors).toBeUndefined();
          }
        }
        // The soak is a few ms of real time; a sign-off refused as early is tried again.
        const signed = await accepted(
          `gate of ${phaseId}`,
          SIGN,
          { rolloutId: id, phaseId, note: 'go' },
          approver,
        );
        const after = signed.phases.find((p) => p.id === phaseId)!;
        expect(after.gate?.signedBy ?? (after.status === 'COMPLETED' ? 'rita' : undefined)).toBe('rita');
        expect(after.status).toBe('COMPLETED');
        answer = signed;
      }

      // After the last phase: IN_REVIEW until the post-launch reviews are done, when the plan has any (the
      // merchant plan's week 2 … month 3); straight to COMPLETED when it has none (the admin panel's). The
      // last sign-off answers once the rollout has moved on, so its answer says which.
      const reviewed = reviews.length > 0;
      const ended = answer;
      expect([ended.status, ended.reviews.length > 0]).toEqual([
        reviewed ? 'IN_REVIEW' : 'COMPLETED',
        reviewed,
      ]);
      for (const review of ended.reviews)
        await accepted(
          `review ${review.id}`,
          REVIEW,
          { rolloutId: id, reviewId: review.id, note: 'fine' },
          rita,
        );

      const done = await until('completed', async () => {
        const r = await read(id);
        if (r.status === 'COMPLETED') return r;
        throw new Error(
          `${r.status}; reviews ${JSON.stringify(r.reviews)}; timers ${JSON.stringify(r.timers)}`,
        );
      });
      expect(done.phases.every((p) => p.status === 'COMPLETED')).toBe(true);
      for (const phase of done.phases) {
        for (const item of phase.checklist.filter((i) => i.kind !== 'sustained'))
          expect(item).toMatchObject({ doneBy: 'olga', note: 'done', evidence: 'https://ci/1' });
      }
      expect(done.reviews.every((r) => r.completedBy === 'rita')).toBe(true);
      // The plan's flags as its last phase set them (the merchant Markdown's `campaigns_auto_approve: true`),
      // and the flag store applications read says the same.
      if (name === 'merchant-platform')
        expect(done.flags).toEqual(
          expect.arrayContaining([{ key: 'campaigns_auto_approve', valueJson: 'true' }]),
        );
      const store = await gql<{ flags: { key: string; value: string }[] }>(
        `query { flags { key value } }`,
        {},
      );
      const stored = Object.fromEntries(store.data!.flags.map((f) => [f.key, f.value]));
      for (const flag of done.flags) expect([flag.key, stored[flag.key]]).toEqual([flag.key, flag.valueJson]);
      expect(done.timers).toEqual([]);

      // The audit log: each accepted action by whom, in order (refused early sign-offs aside)…
      const audited = await auditActions(id);
      const isTransition = (a: string) => a.startsWith('rollout.transition:');
      expect(audited.filter((a) => !isTransition(a))).toEqual([
        ...planned.flatMap((phase) => [
          ...phase.checklist
            .filter((i) => i.kind !== 'sustained')
            .flatMap((i) => [
              `checklist.complete:${i.id}:olga`,
              ...(i.kind === 'approval' ? [`checklist.approve:${i.id}:rita`] : []),
            ]),
          `gate.sign:${phase.id}:rita`,
        ]),
        ...reviews.map((r) => `review.complete:${r.id}:rita`),
      ]);
      // …and every transition: started by rita; each phase waited for its sign-off (WAITING_FOR_SIGN_OFF, a
      // transition of its own now); then the reviews, if any; COMPLETED last.
      const transitions = audited.filter(isTransition).map((a) => a.split(':').slice(1).join(':'));
      expect(transitions[0]).toBe('RUNNING:rita');
      // At most once per phase: a sign-off here is retried until the soak is over, and one accepted the moment
      // the soak ends may leave the phase before the rollout recorded its wait (drive-seeds.e2e.ts signs only
      // once the rollout reports WAITING_FOR_SIGN_OFF, and checks it every time).
      const waits = transitions.filter((t) => t === 'WAITING_FOR_SIGN_OFF:engine').length;
      expect(waits).toBeGreaterThanOrEqual(1);
      expect(waits).toBeLessThanOrEqual(planned.length);
      expect(transitions.filter((t) => t === 'IN_REVIEW:engine')).toHaveLength(reviewed ? 1 : 0);
      expect(transitions.at(-1)).toBe('COMPLETED:engine');
      expect(new Set(transitions.slice(1).map((t) => t.split(':')[1]))).toEqual(new Set(['engine']));
      expect(done.reviews.every((r) => r.status === 'DONE')).toBe(true);

      // The subscriber saw the same, in the same order, and the stream ended with the rollout.
      const streamed = await Promise.race([
        watching.done,
        sleep(30_000).then(() => {
          throw new Error(
            `the event stream did not complete: ${JSON.stringify(watching.received.slice(-3))}`,
          );
        }),
      ]);
      await watching.close();
      const events = streamed.map((e) => e.rolloutEvents);
      const logged = await auditRows({ rolloutId: id, outcome: { $ne: 'refused' } });
      expect(events.map((e) => e.seq)).toEqual(logged.map((r) => r.seq));
      expect(events.map((e) => `${e.action}:${e.target}:${e.actor}`)).toEqual(
        logged.map((r) => `${r.action}:${r.target}:${r.actor}`),
      );
      expect(events.at(-1)).toMatchObject({ action: 'rollout.transition', target: 'COMPLETED' });

      // Lists come from the projection.
      const listed = await until('listed as completed', async () => {
        const r = await gql<{ rollouts: { totalCount: number; edges: { node: { id: string } }[] } }>(LIST, {
          filter: { status: 'COMPLETED', plan: name },
        });
        return r.data?.rollouts.edges.some((e) => e.node.id === id) ? r.data.rollouts : undefined;
      });
      expect(listed.totalCount).toBe(1);
    },
  );

  test('startRollout and signOffGate answer with the rollout in the phase it entered, where an action sent at once finds it', async () => {
    const planVersionId = await importMerchant();
    const id = 'e2e-entered';
    const started = await start(id, planVersionId);
    expect(started).toMatchObject({ status: 'RUNNING', currentPhase: 'internal-dogfood' });
    expect(started.phases[0]).toMatchObject({ id: 'internal-dogfood', status: 'RUNNING' });
    expect(started.phases[0].checklist.map((i) => i.status)).toEqual(['OPEN', 'OPEN', 'OPEN']);
    // No waiting in between: the README's walk-through does exactly this.
    const done = await gql(
      COMPLETE,
      { input: { rolloutId: id, itemId: 'deploy-staging-environment' } },
      olga,
    );
    expect(done.errors).toBeUndefined();
    expect(done.data!.completeChecklistItem.phases[0].checklist[0]).toMatchObject({
      id: 'deploy-staging-environment',
      status: 'DONE',
      doneBy: 'olga',
    });
    for (const itemId of ['monitor-all-metrics-logs', 'fix-any-blocking-issues'])
      expect((await gql(COMPLETE, { input: { rolloutId: id, itemId } }, olga)).errors).toBeUndefined();
    // The sign-off answers once the rollout is in the next phase, where the next action finds it at once.
    const signed = await accepted(
      'the first gate',
      SIGN,
      { rolloutId: id, phaseId: 'internal-dogfood' },
      rita,
    );
    expect(signed).toMatchObject({ status: 'RUNNING', currentPhase: 'pilot-merchants' });
    expect(signed.phases.map((p) => p.status)).toEqual(['COMPLETED', 'RUNNING', 'PENDING', 'PENDING']);
    const next = signed.phases[1].checklist[0].id;
    const nextDone = await gql(COMPLETE, { input: { rolloutId: id, itemId: next } }, olga);
    expect(nextDone.errors).toBeUndefined();
  });

  test('refusals are typed: unknown item, wrong role, another phase; pause, resume and rollback', async () => {
    const planVersionId = await importMerchant();
    const id = 'e2e-refusals';
    const started = await start(id, planVersionId);
    const [first, second] = started.phases;
    const state = expectInPhase(started, first.id);

    // The guardrails watching the phase (the plan's alert thresholds), then one with a reading pushed to it.
    const GUARDRAILS = `query G($id: ID!) { rollout(id: $id) { guardrails { id metric condition outcome breached latestValue latestAt readings } } }`;
    type Guardrails = { rollout: { guardrails: Record<string, unknown>[] } };
    const watching = (await gql<Guardrails>(GUARDRAILS, { id })).data!.rollout.guardrails;
    expect(watching.map((g) => g.condition)).toEqual(
      expect.arrayContaining(['error_rate > 5% for 5 minutes', 'queue_backlog > 1000']),
    );
    expect(watching.every((g) => g.readings === 0 && g.outcome === 'NO_DATA' && !g.breached)).toBe(true);
    await stack.env.client.workflow
      .getHandle(phaseWorkflowId(id, first.id))
      .signal(metricReadingSignal, { metric: 'queue_backlog', value: 120 });
    const backlog = await until('the reading shown', async () => {
      const r = await gql<Guardrails>(GUARDRAILS, { id });
      return r.data?.rollout.guardrails.find((g) => g.metric === 'queue_backlog' && g.readings === 1);
    });
    expect(backlog).toMatchObject({ outcome: 'OK', breached: false, latestValue: 120 });
    const item = state.phases[0].checklist[0];
    const plan = await gql<{ planVersion: { planJson: string } }>(
      `query P($id: ID!) { planVersion(id: $id) { planJson } }`,
      { id: planVersionId },
    );
    const { phases } = JSON.parse(plan.data!.planVersion.planJson) as {
      phases: { checklist: { id: string }[] }[];
    };
    const laterItem = phases[1].checklist[0].id;

    const unknown = await gql(COMPLETE, { input: { rolloutId: id, itemId: 'no-such-item' } });
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    const otherPhase = await gql(COMPLETE, { input: { rolloutId: id, itemId: laterItem } });
    expect(otherPhase.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/not the current phase/) as unknown,
      extensions: { code: 'CONFLICT' },
    });
    const otherGate = (await gql(SIGN, { input: { rolloutId: id, phaseId: second.id } }, rita)).errors?.[0];
    expect(otherGate?.extensions?.code).toBe('CONFLICT');
    const wrongPhase = await gql(COMPLETE, { input: { rolloutId: id, itemId: item.id, phaseId: second.id } });
    expect(wrongPhase.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    const skip = await gql(
      SKIP,
      { input: { rolloutId: id, itemId: item.id, justification: 'no time' } },
      dan,
    );
    expect(skip.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const sign = await gql(SIGN, { input: { rolloutId: id, phaseId: first.id } }, dan);
    expect(sign.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const pauseByDan = await gql(PAUSE, { input: { rolloutId: id } }, dan);
    expect(pauseByDan.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const paused = await gql(PAUSE, { input: { rolloutId: id, reason: 'lunch' } }, olga);
    expect(paused.errors).toBeUndefined();
    expect(paused.data?.pauseRollout.status).toBe('PAUSED');
    const resumed = await gql(RESUME, { input: { rolloutId: id } }, olga);
    expect(resumed.errors).toBeUndefined();
    expect(resumed.data?.resumeRollout.status).not.toBe('PAUSED');

    const rolling = await gql(ROLLBACK, { input: { rolloutId: id, reason: 'error rate' } }, olga);
    expect(rolling.errors).toBeUndefined();
    const rolledBack = await until('rolled back', async () => {
      const r = await read(id);
      return r.status === 'ROLLED_BACK' ? r : undefined;
    });
    expect(rolledBack.rollback?.steps.length).toBeGreaterThan(0);
    expect(rolledBack.rollback?.steps.every((s) => s.status === 'DONE')).toBe(true);
    expect(calls).toEqual(expect.arrayContaining(['/revert']));
    // It did not launch: its post-launch reviews will not happen.
    expect(rolledBack.reviews.length).toBeGreaterThan(0);
    expect(rolledBack.reviews.every((r) => r.status === 'CANCELLED')).toBe(true);
    // The list row says what rollout(id) says.
    const row = await gql<{ rollouts: { edges: { node: { id: string; status: string } }[] } }>(LIST, {
      filter: { status: 'ROLLED_BACK' },
    });
    expect(row.data!.rollouts.edges.map((e) => e.node)).toContainEqual(
      expect.objectContaining({ id, status: 'ROLLED_BACK' }),
    );

    const ended = await gql(COMPLETE, { input: { rolloutId: id, itemId: item.id } });
    expect(ended.errors?.[0].extensions?.code).toBe('CONFLICT');
    // An Update to its closed workflow is refused in the rollout's own terms, not its workflow's (FAILED).
    const pauseEnded = await gql(PAUSE, { input: { rolloutId: id, reason: 'too late' } }, olga);
    expect(pauseEnded.errors?.[0]).toMatchObject({
      message: `Rollout ${id} has ended (ROLLED_BACK); it takes no more actions`,
      extensions: { code: 'CONFLICT' },
    });
  });

  test('bad input, unknown plan versions and rollouts get typed errors; lists page by cursor', async () => {
    const planVersionId = await importMerchant();
    const scale = await gql(START, { input: { planVersionId, parameters: { timeScale: 2 } } }, rita);
    expect(scale.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const zero = await gql(START, { input: { planVersionId, parameters: { timeScale: 0 } } }, rita);
    expect(zero.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const noPlan = await gql(START, { input: { planVersionId: 'no-such-plan@1' } }, rita);
    expect(noPlan.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const missing = await gql(ROLLOUT, { id: 'no-such-rollout' });
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const twice = await gql(START, { input: { id: 'e2e-merchant-platform', planVersionId } }, rita);
    expect(twice.errors?.[0].extensions?.code).toBe('CONFLICT');

    type Page = {
      rollouts: {
        totalCount: number;
        edges: { cursor: string; node: { id: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor?: string };
      };
    };
    const all = await until('both listed', async () => {
      const r = await gql<Page>(LIST, { filter: { plan: 'merchant-platform' } });
      return (r.data?.rollouts.totalCount ?? 0) >= 2 ? r.data!.rollouts : undefined;
    });
    const ids: string[] = [];
    let after: string | undefined;
    for (;;) {
      const r = await gql<Page>(LIST, { filter: { plan: 'merchant-platform' }, first: 1, after });
      expect(r.errors).toBeUndefined();
      ids.push(...r.data!.rollouts.edges.map((e) => e.node.id));
      if (!r.data!.rollouts.pageInfo.hasNextPage) break;
      after = r.data!.rollouts.pageInfo.endCursor;
    }
    expect(ids).toEqual(all.edges.map((e) => e.node.id));
    expect(new Set(ids).size).toBe(all.totalCount);
    const badCursor = await gql(LIST, { after: 'nope' });
    expect(badCursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('tokens: none or a bad one is UNAUTHENTICATED, a role the operation does not allow is FORBIDDEN; refusals are audited and change nothing', async () => {
    const planVersionId = await importMerchant();
    const id = 'e2e-auth';
    const started = await start(id, planVersionId);
    const first = started.phases[0].id;
    const before = expectInPhase(started, first);
    const item = before.phases[0].checklist.find((i) => i.kind !== 'sustained' && i.status === 'OPEN')!;
    const input = { rolloutId: id, itemId: item.id, note: 'sneaky' };
    const vera = { id: 'vera', roles: ['viewer'] };
    const count = async () =>
      (await gql<{ rollouts: { totalCount: number } }>(LIST, {}, rita)).data!.rollouts.totalCount;
    const rolloutsBefore = await count();

    const anonymous = await stack.gql(COMPLETE, { input }, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.errors?.[0].message).toMatch(/bearer token is required/);
    expect((await stack.gql(ROLLOUT, { id }, null)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await fetch(`${stack.apiUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${(await stack.token('x', ['admin'])).slice(0, -4)}AAAA`,
      },
      body: JSON.stringify({ query: COMPLETE, variables: { input } }),
    }).then((r) => r.json() as Promise<GqlResponse<unknown>>);
    expect(forged.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    // A subscription without a token is refused too, before it sees anything.
    const eavesdrop = subscribe(
      stack.apiUrl,
      `subscription { rolloutEvents(rolloutId: "${id}") { seq } }`,
      {},
      null,
    );
    await expect(eavesdrop.done).rejects.toThrow(/UNAUTHENTICATED/);
    expect(eavesdrop.received).toEqual([]);
    await eavesdrop.close();

    // A viewer reads but does not act; an operator does not start rollouts or import plans.
    expect((await gql(ROLLOUT, { id }, vera)).data?.rollout.id).toBe(id);
    const viewerActs = await gql(COMPLETE, { input }, vera);
    expect(viewerActs.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: expect.stringMatching(/viewer/) as unknown,
    });
    const operatorStarts = await gql(START, { input: { planVersionId, id: 'e2e-auth-2' } }, olga);
    expect(operatorStarts.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const markdown = readFileSync(join(repoRoot, 'examples/merchant-platform.md'), 'utf8');
    const operatorImports = await gql(IMPORT_PLAN, { input: { markdown, name: 'sneaky-plan' } }, olga);
    expect(operatorImports.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // The engine's own refusal: skipping needs a skip role.
    const skip = await gql(
      SKIP,
      { input: { rolloutId: id, itemId: item.id, justification: 'no time' } },
      dan,
    );
    expect(skip.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    // Nothing changed: the item is open, no rollout or plan was added.
    const after = await read(id);
    expect(after.phases[0].checklist.find((i) => i.id === item.id)).toMatchObject({ status: 'OPEN' });
    expect(await count()).toBe(rolloutsBefore);
    const plans = await gql<{ plans: { name: string }[] }>(`query { plans { name } }`, {}, rita);
    expect(plans.data!.plans.map((p) => p.name)).not.toContain('sneaky-plan');
    expect(plans.data!.plans.map((p) => p.name)).toContain('merchant-platform');
    // And every refusal is in the audit log, by whom, with its code.
    const refused = (await auditRows({ outcome: 'refused' })).map((r) => [
      r.actor,
      r.action,
      r.rolloutId,
      (r.payload as { code?: string }).code,
    ]);
    expect(refused).toEqual(
      expect.arrayContaining([
        ['anonymous', 'api.completeChecklistItem', id, 'UNAUTHENTICATED'],
        ['anonymous', 'api.rollout', id, 'UNAUTHENTICATED'],
        ['vera', 'api.completeChecklistItem', id, 'FORBIDDEN'],
        ['olga', 'api.startRollout', 'e2e-auth-2', 'FORBIDDEN'],
        ['olga', 'api.importPlan', '-', 'FORBIDDEN'],
        ['dan', 'api.skipChecklistItem', id, 'FORBIDDEN'],
      ]),
    );
    expect(await auditActions(id)).toEqual([
      'rollout.transition:RUNNING:rita',
      'rollout.transition:RUNNING:engine',
    ]);

    // The API's auditLog query reads the same entries, newest first, a page at a time.
    type AuditPage = {
      auditLog: {
        edges: { node: { seq: number; actor: string; action: string; outcome: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor?: string };
      };
    };
    const AUDIT = `query A($rolloutId: ID, $first: Int, $after: String) {
    auditLog(rolloutId: $rolloutId, first: $first, after: $after) {
      edges { node { seq actor action outcome } }
      pageInfo { hasNextPage endCursor }
    }
  }`;
    const seen: AuditPage['auditLog']['edges'][number]['node'][] = [];
    for (let after: string | undefined; ;) {
      const page = await gql<AuditPage>(AUDIT, { rolloutId: id, first: 2, after }, vera);
      expect(page.errors).toBeUndefined();
      seen.push(...page.data!.auditLog.edges.map((e) => e.node));
      if (!page.data!.auditLog.pageInfo.hasNextPage) break;
      after = page.data!.auditLog.pageInfo.endCursor;
    }
    const rows = await auditRows({ rolloutId: id });
    expect(seen.map((e) => e.seq)).toEqual(rows.map((r) => r.seq).reverse());
    expect(seen.filter((e) => e.outcome === 'refused').map((e) => e.actor)).toEqual(
      expect.arrayContaining(['anonymous', 'vera', 'dan']),
    );
    expect((await stack.gql(AUDIT, { first: 1 }, null)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    // `audit verify` finds the chain sound, then names the row someone edited by hand.
    const verify = () =>
      spawnSync(process.execPath, ['dist/apps/cli/src/main.js', 'audit', 'verify'], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, DATA_DIR: stack.dataDir, DATABASE_URL: stack.databaseUrl },
        encoding: 'utf8',
      });
    expect(verify()).toMatchObject({ status: 0, stdout: expect.stringMatching(/^audit log OK/) as unknown });
    const edited = rows.find((r) => r.outcome === 'refused')!;
    await editAuditRow(edited.id, 'mallory');
    const broken = verify();
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain(
      `audit log BROKEN at entry id ${edited.id} (seq ${edited.seq}): hash mismatch`,
    );
  });
});
