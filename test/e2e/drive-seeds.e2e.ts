import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import type { RolloutPlan } from '../../libs/plan/src';
import { RolloutPhaseKey, RolloutStatusKey } from '../../workflows/search-attributes';
import { rolloutWorkflowId } from '../../workflows/engine/messages';
import { IMPORT_PLAN, rolloutOperations } from '../support/rollout-operations';
import { adaptersAt, startStack, type GqlResponse, type Stack, type StackUser } from '../support/stack';
import { subscribe, type Subscription } from '../support/subscription';
import { repoRoot } from '../support/temporal-tools';

// Both seed plans (the documents teams wrote, in ../shared/seeds beside the repository), imported over
// GraphQL as the README does and driven through every phase, approval, sustained condition, skip, gate and
// review to COMPLETED, against the built API and worker on a real Temporal dev server.
//
// Nothing here polls or retries. Each action is sent the moment the answer before it arrives: an item action
// as soon as an answer names its phase (the design: a phase is named current only once its workflow runs); a
// gate's sign-off as soon as the `rolloutEvents` subscription delivers the rollout's transition to
// WAITING_FOR_SIGN_OFF for that phase (written to the projection before its audit entry); a review as soon
// as its due notice reaches the chat webhook. Every action must be accepted at once. After each, the
// `rollouts` list row, `rollout(id)` and the RolloutStatus search attribute say the same.

jest.setTimeout(300_000);

/** A week's soak takes 0.6 s, a day's sustained condition 86 ms, the three-month review 8 s. */
const TIME_SCALE = 1e-6;

/** The seed documents: ../shared/seeds beside the worktree; the copies in examples/ where it is absent. */
const SHARED_SEEDS = join(repoRoot, '..', 'shared', 'seeds');
const seeds: [string, string][] = existsSync(SHARED_SEEDS)
  ? readdirSync(SHARED_SEEDS)
      .sort()
      .map((f) => [basename(f).replace(/\.[^.]*$/, ''), join(SHARED_SEEDS, f)])
  : ['merchant-platform', 'admin-panel'].map((n) => [n, join(repoRoot, `examples/${n}.md`)]);

const FIELDS = /* GraphQL */ `
  id
  plan
  status
  currentPhase
  phases {
    id
    status
    soakUntil
    checklist {
      id
      title
      kind
      status
      doneBy
      approvedBy
      skipJustification
      sustainedDueAt
    }
    gate {
      signedBy
    }
  }
  reviews {
    id
    title
    dueAt
    completedBy
  }
  timers {
    kind
    dueAt
  }
`;

interface ItemView {
  id: string;
  title: string;
  kind: string;
  status: string;
  doneBy?: string | null;
  approvedBy?: string | null;
  skipJustification?: string | null;
  sustainedDueAt?: string | null;
}
interface PhaseView {
  id: string;
  status: string;
  soakUntil?: string | null;
  checklist: ItemView[];
  gate?: { signedBy?: string | null } | null;
}
interface RolloutView {
  id: string;
  plan: string;
  status: string;
  currentPhase?: string | null;
  phases: PhaseView[];
  reviews: { id: string; title: string; dueAt?: string | null; completedBy?: string | null }[];
  timers: { kind: string; dueAt: string }[];
}
interface RolloutEvent {
  seq: number;
  action: string;
  target: string;
  actor: string;
  payloadJson: string;
}

const { START, ROLLOUT, mutation, COMPLETE, APPROVE, SIGN } = rolloutOperations(FIELDS);
const SKIP = mutation('skipChecklistItem', 'SkipChecklistItemInput');
const CHECK = mutation('recordCheckResult', 'RecordCheckResultInput');
const REVIEW = mutation('completeReview', 'CompleteReviewInput');
const LIST = /* GraphQL */ `
  query List($filter: RolloutFilterInput, $first: Int) {
    rollouts(filter: $filter, first: $first) {
      totalCount
      edges {
        node {
          id
          status
          currentPhase
        }
      }
    }
  }
`;
const EVENTS = /* GraphQL */ `
  subscription E($id: ID!) {
    rolloutEvents(rolloutId: $id) {
      seq
      action
      target
      actor
      payloadJson
    }
  }
`;

/** Starts rollouts and signs gates (a gate role of the policy), imports plans. */
const rita: StackUser = { id: 'rita', roles: ['release-manager'] };

let stack: Stack;
let hooks: NoticeReceiver;

beforeAll(async () => {
  hooks = await startNoticeReceiver();
  stack = await startStack('drive-seeds', { workerEnv: adaptersAt(hooks.url) });
});

afterAll(async () => {
  await stack?.stop();
  await hooks?.close();
});

/** The answer's data; fails the test with the refusal when there is one (no action here may be refused). */
function ok<T>(what: string, r: GqlResponse<Record<string, T>>): T {
  if (r.errors?.length) throw new Error(`${what} was refused: ${JSON.stringify(r.errors[0])}`);
  return Object.values(r.data ?? {})[0];
}

async function importSeed(name: string, file: string): Promise<{ versionId: string; plan: RolloutPlan }> {
  const markdown = readFileSync(file, 'utf8');
  const imported = await stack.gql<{ importPlan: { planVersion: { id: string } } }>(
    IMPORT_PLAN,
    { input: { markdown, name } },
    rita,
  );
  const versionId = ok('importPlan', imported).planVersion.id;
  const planned = await stack.gql<{ planVersion: { planJson: string } }>(
    `query P($id: ID!) { planVersion(id: $id) { planJson } }`,
    { id: versionId },
    rita,
  );
  return { versionId, plan: JSON.parse(ok('planVersion', planned).planJson) as RolloutPlan };
}

/** What each place says of the rollout, read in this order: the list (projection), the rollout, Temporal. */
interface Sighting {
  list: { status: string; phase: string | null };
  rollout: { status: string; phase: string | null };
  temporal: { status: string; phase: string | null };
}

async function sight(id: string, plan: string): Promise<Sighting> {
  const listed = await stack.gql<{
    rollouts: { edges: { node: { id: string; status: string; currentPhase?: string | null } }[] };
  }>(LIST, { filter: { plan }, first: 100 }, rita);
  const row = ok('rollouts', listed).edges.find((e) => e.node.id === id)?.node;
  if (!row) throw new Error(`rollout ${id} is not in the list of plan ${plan}`);
  const read = ok('rollout', await stack.gql<Record<string, RolloutView>>(ROLLOUT, { id }, rita));
  const described = await stack.env.client.workflow.getHandle(rolloutWorkflowId(id)).describe();
  const attrs = described.typedSearchAttributes;
  return {
    list: { status: row.status, phase: row.currentPhase || null },
    rollout: { status: read.status, phase: read.currentPhase || null },
    temporal: { status: attrs.get(RolloutStatusKey) ?? '-', phase: attrs.get(RolloutPhaseKey) || null },
  };
}

/** The one transition that may come on its own, from a timer, after an answer (a soak, the last review). */
const TIMED_NEXT: Record<string, string> = {
  RUNNING: 'WAITING_FOR_SIGN_OFF',
  IN_REVIEW: 'COMPLETED',
};

/**
 * After an action has answered: the list row, `rollout(id)` and the RolloutStatus search attribute agree
 * with the answer (status and current phase), and the list filtered by that status finds the rollout.
 * `timerMayMove`: the answer left only a timer to run (the soak, a sustained condition, the last review's
 * completion), which may move the rollout on while the three are read; they are read in the order the design
 * writes them in reverse (projection, then workflow state, then search attribute), so a move in between shows
 * as a single step forward along that order, never as disagreement in any other shape.
 */
async function agree(id: string, plan: string, answer: RolloutView, timerMayMove = false): Promise<string> {
  const seen = await sight(id, plan);
  const said = { status: answer.status, phase: answer.currentPhase || null };
  const sequence = [said, seen.list, seen.rollout, seen.temporal];
  const next = TIMED_NEXT[said.status];
  const moved = sequence.findIndex((s) => s.status !== said.status);
  if (timerMayMove && next && moved > 0) {
    // One step forward, and from there on every later reading agrees with it.
    expect({ moved: sequence.slice(moved), seen }).toEqual({
      moved: sequence.slice(moved).map(() => ({ status: next, phase: said.phase })),
      seen,
    });
    return next;
  }
  expect(seen).toEqual({ list: said, rollout: said, temporal: said });
  const filtered = await stack.gql<{ rollouts: { edges: { node: { id: string } }[] } }>(
    LIST,
    { filter: { status: said.status, plan }, first: 100 },
    rita,
  );
  expect(ok('rollouts', filtered).edges.map((e) => e.node.id)).toContain(id);
  return said.status;
}

/** Nothing but a timer (soak, sustained condition) stands between the phase and its sign-off. */
const onlyTimersLeft = (phase: PhaseView) =>
  phase.checklist.every((i) => i.status !== 'OPEN' || (i.kind === 'sustained' && !!i.sustainedDueAt));

const payloadOf = (e: RolloutEvent) => JSON.parse(e.payloadJson || '{}') as Record<string, unknown>;
const transition = (e: RolloutEvent) => e.action === 'rollout.transition';

describe('the seed plans, driven over GraphQL', () => {
  test.each(seeds)(
    'seed %s: every phase, approval, sustained condition, skip, gate and review, each action accepted at once; list, rollout and search attribute agree after each',
    async (seed, file) => {
      const name = `seed-${seed.slice(0, 3).replace(/[^a-z0-9]/g, '') || 'plan'}`.toLowerCase();
      const { versionId, plan } = await importSeed(name, file);
      const planName = plan.metadata.name;
      expect(plan.phases.length).toBeGreaterThanOrEqual(3);
      // The people the plan names: olga does the work (and reports checks), rita approves and signs, sam
      // skips. Each holds every role the plan's items name, so separation of duties, not a missing role,
      // is what stops olga approving her own work.
      const planRoles = [...new Set(plan.phases.flatMap((p) => p.checklist.flatMap((i) => i.roles ?? [])))];
      const olga: StackUser = { id: 'olga', roles: ['operator', ...planRoles] };
      const approver: StackUser = { id: 'rita', roles: ['release-manager', ...planRoles] };
      const sam: StackUser = { id: 'sam', roles: ['release-manager'] };
      // One item is skipped (with a justification): the first phase's last plain item.
      const skipped = [...plan.phases[0].checklist]
        .reverse()
        .find((i) => i.kind === 'manual' || i.kind === 'check');
      expect(skipped).toBeDefined();

      const id = `drive-${name}`;
      const wfId = rolloutWorkflowId(id);
      const events: Subscription<{ rolloutEvents: RolloutEvent }> = subscribe(
        stack.apiUrl,
        EVENTS,
        { id },
        await stack.token('vera', ['viewer']),
      );
      const event = (what: string, match: (e: RolloutEvent) => boolean) =>
        events.when((e) => match(e.rolloutEvents), what).then((e) => e.rolloutEvents);
      const actions: string[] = [];
      const act = async (what: string, query: string, input: Record<string, unknown>, as: StackUser) => {
        actions.push(what);
        return ok(what, await stack.gql<Record<string, RolloutView>>(query, { input }, as));
      };

      try {
        let answer = await act(
          'startRollout',
          START,
          { id, planVersionId: versionId, title: `Drive ${seed}`, parameters: { timeScale: TIME_SCALE } },
          rita,
        );
        for (const [index, planned] of plan.phases.entries()) {
          // The answer names the phase (the start's, or the previous gate's): its workflow runs, with its
          // checklist, and the next action goes to it at once.
          expect([answer.status, answer.currentPhase]).toEqual(['RUNNING', planned.id]);
          const phaseOf = (r: RolloutView) => r.phases.find((p) => p.id === planned.id)!;
          expect(phaseOf(answer).status).toBe('RUNNING');
          expect(phaseOf(answer).checklist.map((i) => i.id)).toEqual(planned.checklist.map((i) => i.id));
          await agree(id, planName, answer, onlyTimersLeft(phaseOf(answer)));
          const step = async (what: string, query: string, input: Record<string, unknown>, as: StackUser) => {
            answer = await act(what, query, { rolloutId: id, ...input }, as);
            expect(answer.currentPhase).toBe(planned.id);
            await agree(id, planName, answer, onlyTimersLeft(phaseOf(answer)));
            return phaseOf(answer).checklist;
          };

          const items = planned.checklist;
          for (const item of items.filter((i) => i.kind !== 'sustained')) {
            if (item.id === skipped?.id) {
              const now = await step(
                `skip ${item.id}`,
                SKIP,
                { itemId: item.id, justification: 'covered by the staging soak' },
                sam,
              );
              expect(now.find((i) => i.id === item.id)).toMatchObject({ status: 'SKIPPED', doneBy: 'sam' });
              continue;
            }
            const input = { itemId: item.id, phaseId: planned.id, note: 'done', evidence: 'https://ci/1' };
            const done = await step(`complete ${item.id}`, COMPLETE, input, olga);
            expect(done.find((i) => i.id === item.id)).toMatchObject({ status: 'DONE', doneBy: 'olga' });
            if (item.kind !== 'approval') continue;
            // Separation of duties: olga holds the approving role but did the work, so she may not approve.
            const own = await stack.gql(APPROVE, { input: { rolloutId: id, itemId: item.id } }, olga);
            expect(own.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
            await agree(id, planName, answer, onlyTimersLeft(phaseOf(answer)));
            const approved = await step(`approve ${item.id}`, APPROVE, { itemId: item.id }, approver);
            expect(approved.find((i) => i.id === item.id)).toMatchObject({
              status: 'APPROVED',
              doneBy: 'olga',
              approvedBy: 'rita',
            });
          }
          // Sustained conditions last: a failing check keeps one open, a healthy one starts its clock; it
          // holds once its (scaled) duration has passed, a timer of its own, like the soak.
          for (const item of items.filter((i) => i.kind === 'sustained')) {
            await step(`check ${item.id} failing`, CHECK, { itemId: item.id, healthy: false }, olga);
            const healthy = await step(
              `check ${item.id} healthy`,
              CHECK,
              { itemId: item.id, healthy: true },
              olga,
            );
            expect(healthy.find((i) => i.id === item.id)?.sustainedDueAt).toBeTruthy();
          }

          // The moment the rollout reports that only the sign-off is left (the soak over, every condition
          // held): its transition to WAITING_FOR_SIGN_OFF for this phase, delivered by the subscription.
          const waiting = await event(
            `WAITING_FOR_SIGN_OFF in ${planned.id}`,
            (e) => transition(e) && e.target === 'WAITING_FOR_SIGN_OFF' && payloadOf(e).phase === planned.id,
          );
          expect(waiting.actor).toBe('engine');
          // Written to the projection before its audit entry: the list shows it already, as do the others.
          await agree(id, planName, { ...answer, status: 'WAITING_FOR_SIGN_OFF' });

          answer = await act(
            `sign ${planned.id}`,
            SIGN,
            { rolloutId: id, phaseId: planned.id, note: 'go' },
            approver,
          );
          expect(phaseOf(answer)).toMatchObject({ status: 'COMPLETED', gate: { signedBy: 'rita' } });
          const last = index === plan.phases.length - 1;
          if (!last) continue;
          // Past the last phase: IN_REVIEW while the plan has post-launch reviews, else COMPLETED.
          expect(answer.status).toBe(plan.reviews.length ? 'IN_REVIEW' : 'COMPLETED');
          await agree(id, planName, answer);
        }

        // Each review the moment its due notice reaches the chat webhook (its due time is scaled too).
        const due = [...answer.reviews].sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!));
        expect(due.map((r) => r.id).sort()).toEqual(plan.reviews.map((r) => r.id).sort());
        for (const [i, review] of due.entries()) {
          const notice = await hooks.when(`${wfId}/review-${review.id}`);
          expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(review.dueAt!));
          expect(JSON.stringify(notice.body)).toContain(review.title);
          answer = await act(
            `review ${review.id}`,
            REVIEW,
            { rolloutId: id, reviewId: review.id, note: 'fine' },
            approver,
          );
          expect(answer.reviews.find((r) => r.id === review.id)?.completedBy).toBe('rita');
          await agree(id, planName, answer, i === due.length - 1);
        }

        // The end: the stream completes after the final transition, which the list already shows.
        const received = (await events.done).map((e) => e.rolloutEvents);
        expect(received.at(-1)).toMatchObject({ action: 'rollout.transition', target: 'COMPLETED' });
        const final = ok('rollout', await stack.gql<Record<string, RolloutView>>(ROLLOUT, { id }, rita));
        await agree(id, planName, final);
        expect(final.status).toBe('COMPLETED');
        expect((await stack.env.client.workflow.getHandle(wfId).describe()).status.name).toBe('COMPLETED');

        // Every phase completed: items done by olga (approvals approved by rita), the one skip by sam, every
        // gate signed by rita; every review completed by rita.
        for (const planned of plan.phases) {
          const phase = final.phases.find((p) => p.id === planned.id)!;
          expect(phase).toMatchObject({ status: 'COMPLETED', gate: { signedBy: 'rita' } });
          for (const item of phase.checklist) {
            const expected =
              item.id === skipped?.id
                ? { status: 'SKIPPED', doneBy: 'sam', skipJustification: 'covered by the staging soak' }
                : item.kind === 'approval'
                  ? { status: 'APPROVED', doneBy: 'olga', approvedBy: 'rita' }
                  : item.kind === 'sustained'
                    ? { status: 'DONE' }
                    : { status: 'DONE', doneBy: 'olga' };
            expect(item).toMatchObject({ id: item.id, ...expected });
          }
        }
        expect(final.reviews.map((r) => [r.id, r.completedBy])).toEqual(
          plan.reviews.map((r) => [r.id, 'rita']),
        );
        expect(final.timers).toEqual([]);

        // The rollout's transitions as the subscription saw them: started by rita; then, for each phase in
        // turn, entered (RUNNING, naming it) before it reported only its sign-off left (WAITING_FOR_SIGN_OFF,
        // once); then the reviews and the end. Every one but the first by the engine.
        const transitions = received.filter(transition);
        expect(`${transitions[0].target}:${transitions[0].actor}`).toBe('RUNNING:rita');
        expect(transitions.slice(1).filter((e) => e.actor !== 'engine')).toEqual([]);
        const waited = transitions.filter((e) => e.target === 'WAITING_FOR_SIGN_OFF').map(payloadOf);
        expect(waited.map((p) => p.phase)).toEqual(plan.phases.map((p) => p.id));
        for (const planned of plan.phases) {
          const at = (match: (e: RolloutEvent) => boolean) => transitions.findIndex(match);
          const entered = at((e) => e.target === 'RUNNING' && payloadOf(e).phase === planned.id);
          const ready = at((e) => e.target === 'WAITING_FOR_SIGN_OFF' && payloadOf(e).phase === planned.id);
          expect([planned.id, entered > 0 && entered < ready]).toEqual([planned.id, true]);
        }
        expect(transitions.slice(-2).map((e) => e.target)).toEqual([
          plan.reviews.length ? 'IN_REVIEW' : transitions.at(-2)!.target,
          'COMPLETED',
        ]);
        // And each accepted action, once, in the order it was sent.
        const accepted = received
          .filter((e) => !transition(e) && e.action !== 'check.result')
          .map((e) => `${e.action}:${e.target}:${e.actor}`);
        expect(accepted).toEqual(
          actions
            .filter((a) => a !== 'startRollout' && !a.startsWith('check '))
            .map((a) => {
              const [verb, target] = a.split(' ');
              const action = {
                complete: 'checklist.complete',
                approve: 'checklist.approve',
                skip: 'checklist.skip',
                sign: 'gate.sign',
                review: 'review.complete',
              }[verb];
              const actor = verb === 'skip' ? 'sam' : verb === 'complete' ? 'olga' : 'rita';
              return `${action}:${target}:${actor}`;
            }),
        );
      } catch (err) {
        const tail = stack.workerOutput().slice(-3000);
        (err as Error).message += `\nactions sent: ${actions.join(' → ')}\nworker:\n${tail}`;
        throw err;
      } finally {
        await events.close();
      }
    },
  );

  test('a sign-off refused early names the items still open and when the soak ends', async () => {
    // The first seed whose first phase has a soak (the merchant plan's "Week 1"), at scale 1: a week.
    let chosen: { seed: string; versionId: string; plan: RolloutPlan } | undefined;
    for (const [seed, file] of seeds) {
      const imported = await importSeed(
        `early-${seed.slice(0, 3).replace(/[^a-z0-9]/g, '') || 'plan'}`,
        file,
      );
      if (imported.plan.phases[0].duration?.min) {
        chosen = { seed, ...imported };
        break;
      }
    }
    expect(chosen).toBeDefined();
    const { versionId, plan } = chosen!;
    const first = plan.phases[0];
    const id = `early-${plan.metadata.name}`;
    const started = ok(
      'startRollout',
      await stack.gql<Record<string, RolloutView>>(START, { input: { id, planVersionId: versionId } }, rita),
    );
    expect([started.status, started.currentPhase]).toEqual(['RUNNING', first.id]);
    const soakUntil = started.phases.find((p) => p.id === first.id)?.soakUntil;
    expect(soakUntil).toBeTruthy();

    // One item done at once (the answer named the phase); the others stay open.
    const doneItem = first.checklist.find((i) => i.kind === 'manual')!;
    const olga: StackUser = { id: 'olga', roles: ['operator'] };
    const done = ok(
      'completeChecklistItem',
      await stack.gql<Record<string, RolloutView>>(
        COMPLETE,
        { input: { rolloutId: id, itemId: doneItem.id } },
        olga,
      ),
    );
    const open = first.checklist.filter((i) => i.id !== doneItem.id);
    expect(open.length).toBeGreaterThan(0);

    const refused = await stack.gql(SIGN, { input: { rolloutId: id, phaseId: first.id } }, rita);
    expect(refused.errors?.[0].extensions?.code).toBe('CONFLICT');
    const message = refused.errors![0].message;
    // The open items by id or title, the done one not among them; the soak's end as an absolute time (UTC,
    // to the minute, however it is written) beside the relative "in 6 d 23 h" the design asks for.
    for (const item of open)
      expect({
        item: item.id,
        named: message.includes(item.id) || message.includes(item.title),
        message,
      }).toEqual({
        item: item.id,
        named: true,
        message,
      });
    expect(message).not.toContain(doneItem.id);
    const minute = (t: number) => new Date(t).toISOString().slice(0, 16);
    const at = Date.parse(soakUntil!);
    const written = [minute(at), minute(at + 60_000)].flatMap((m) => [m, m.replace('T', ' ')]);
    expect([message, written.some((w) => message.includes(w))]).toEqual([message, true]);

    // The refusal changed nothing: the gate is unsigned, and everywhere the rollout is RUNNING in its phase.
    const after = ok('rollout', await stack.gql<Record<string, RolloutView>>(ROLLOUT, { id }, rita));
    expect(after.phases.find((p) => p.id === first.id)?.gate?.signedBy ?? null).toBeNull();
    await agree(id, plan.metadata.name, done);
    await stack.env.client.workflow.getHandle(rolloutWorkflowId(id)).terminate('test over');
  });
});

/** A request the worker's adapters made (a chat message, a hook), by its Idempotency-Key. */
interface Notice {
  key: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

interface NoticeReceiver {
  url: string;
  received: Notice[];
  /** The first request under this Idempotency-Key, already received or the moment it arrives. */
  when(key: string, ms?: number): Promise<Notice>;
  close(): Promise<void>;
}

/** The chat webhook and deploy hooks: answers 200, remembers each request and tells whoever waits on it. */
async function startNoticeReceiver(): Promise<NoticeReceiver> {
  const received: Notice[] = [];
  const waiting = new Map<string, ((n: Notice) => void)[]>();
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const notice: Notice = {
        key: String(req.headers['idempotency-key'] ?? ''),
        path: req.url ?? '',
        headers: req.headers,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      received.push(notice);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      for (const resolve of waiting.get(notice.key) ?? []) resolve(notice);
      waiting.delete(notice.key);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    when(key, ms = 120_000) {
      const seen = received.find((n) => n.key === key);
      if (seen) return Promise.resolve(seen);
      return new Promise<Notice>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no request under key ${key} within ${ms / 1000} s`)),
          ms,
        );
        waiting.set(key, [
          ...(waiting.get(key) ?? []),
          (n) => {
            clearTimeout(timer);
            resolve(n);
          },
        ]);
      });
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
