import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { temporal } from '@temporalio/proto';
import { AuditEntry, AuditLogService, mikroOrmOptions } from '../../libs/persistence/src';
import { phaseWorkflowId, rolloutWorkflowId } from '../../workflows/engine/messages';
import { startStack, type Stack } from '../support/stack';

// Many people acting on one phase at once, through the API on a real dev server. Each round is a rollout of its
// own whose first phase has WIDTH + 1 items: WIDTH people complete WIDTH items while WIDTH others all complete the
// one shared item, all sent at once. Every answer is an acceptance or a typed refusal, no workflow task fails, and
// the audit log holds exactly one entry per accepted action.
//
// A round per rollout, not all rounds in one phase: a phase's every Update answers with the whole phase state, so
// one phase of ROUNDS × (WIDTH + 1) items made each answer ~70 KB, each workflow task megabytes, and on a busy
// machine its workflow tasks outlived their 10 s timeout; a phase of a plan has tens of items, not hundreds.

const ROUNDS = Number(process.env.CONCURRENCY_ROUNDS ?? 10);
const WIDTH = 50;
// Generous: 100 actions at once on a busy 2-core machine queue behind each other on one workflow.
const ACTION_TIMEOUT_MS = 120_000;
jest.setTimeout(ROUNDS * 200_000 + 180_000);

const EventType = temporal.api.enums.v1.EventType;

/** A plan whose first phase has WIDTH items for one person each and one shared item. */
function crowdPlanYaml(): string {
  const items: string[] = [];
  for (let i = 0; i < WIDTH; i++) items.push(`      - { id: item-${i}, title: Item ${i}, kind: manual }`);
  items.push(`      - { id: shared, title: Shared item, kind: manual }`);
  return [
    'apiVersion: rollout/v1',
    'kind: RolloutPlan',
    'metadata:',
    '  name: crowd',
    '  title: Many hands',
    'phases:',
    '  - id: crowd',
    '    name: Crowd',
    '    checklist:',
    ...items,
    '  - id: after',
    '    name: After',
    '    checklist:',
    '      - { id: done, title: Done, kind: manual }',
    '',
  ].join('\n');
}

let stack: Stack;
let orm: MikroORM;

beforeAll(async () => {
  stack = await startStack('concurrency', { actionTimeoutMs: ACTION_TIMEOUT_MS });
  orm = await MikroORM.init(
    mikroOrmOptions({ driver: 'sqlite', file: join(stack.dataDir, 'rollouts.sqlite'), debug: false }),
  );
});

afterAll(async () => {
  await orm?.close();
  await stack?.stop();
});

interface Answer {
  user: string;
  itemId: string;
  /** The rollout's id when accepted; the error code otherwise. */
  accepted: boolean;
  code?: string;
  message?: string;
}

const COMPLETE = /* GraphQL */ `
  mutation Complete($input: CompleteChecklistItemInput!) {
    completeChecklistItem(input: $input) {
      id
    }
  }
`;

/** One person's completeChecklistItem over HTTP, with a deadline longer than the API's own. */
async function complete(
  rolloutId: string,
  user: string,
  itemId: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const token = await stack.token(user, ['engineer']);
  const res = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ query: COMPLETE, variables: { input: { rolloutId, itemId } } }),
    signal: AbortSignal.timeout(ACTION_TIMEOUT_MS + 60_000),
  });
  const body = (await res.json()) as {
    data?: { completeChecklistItem?: { id: string } } | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (body.data?.completeChecklistItem?.id === rolloutId && !body.errors)
    return { user, itemId, accepted: true };
  return {
    user,
    itemId,
    accepted: false,
    code: body.errors?.[0]?.extensions?.code ?? `HTTP ${res.status}`,
    message: body.errors?.[0]?.message,
  };
}

/** A run's whole history, page by page (small pages: every Update's answer is the phase's whole state). */
async function historyOf(
  workflowId: string,
  runId: string,
): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  const events: temporal.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await stack.env.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId, runId },
      maximumPageSize: 100,
      nextPageToken,
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return events;
}

async function runsOf(workflowId: string): Promise<string[]> {
  const runs: string[] = [];
  for await (const wf of stack.env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    runs.push(wf.runId);
  return runs;
}

/** Every run of a workflow (continue-as-new starts new ones) and the failed workflow tasks in each. */
async function failedTasks(workflowId: string): Promise<{ runs: number; failures: string[] }> {
  const runs = await runsOf(workflowId);
  const failures: string[] = [];
  for (const runId of runs) {
    for (const event of await historyOf(workflowId, runId)) {
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
        failures.push(
          `${runId} #${String(event.eventId)}: ${event.workflowTaskFailedEventAttributes?.failure?.message ?? '?'}`,
        );
    }
  }
  return { runs: runs.length, failures };
}

async function startCrowdRollout(planVersionId: string, rolloutId: string): Promise<void> {
  const started = await stack.gql<{ startRollout: { currentPhase: string } }>(
    `mutation S($input: StartRolloutInput!) { startRollout(input: $input) { currentPhase } }`,
    { input: { planVersionId, id: rolloutId } },
  );
  expect(started.errors).toBeUndefined();
  expect(started.data!.startRollout.currentPhase).toBe('crowd');
}

let planVersionId: string;

beforeAll(async () => {
  planVersionId = await stack.importPlan({ yaml: crowdPlanYaml() });
});

test(`${ROUNDS} rounds of ${WIDTH} people on ${WIDTH} items, and ${WIDTH} on one item, are all answered, once`, async () => {
  const answers = new Map<string, Answer[]>();
  const started = Date.now();
  for (let r = 0; r < ROUNDS; r++) {
    const rolloutId = `crowd-${r}`;
    await startCrowdRollout(planVersionId, rolloutId);
    const roundStarted = Date.now();
    const round = await Promise.all([
      ...Array.from({ length: WIDTH }, (_, i) => complete(rolloutId, `worker-${i}`, `item-${i}`)),
      ...Array.from({ length: WIDTH }, (_, i) => complete(rolloutId, `crowd-${i}`, 'shared')),
    ]);
    answers.set(rolloutId, round);
    const codes = round.reduce<Record<string, number>>((n, a) => {
      const key = a.accepted ? 'accepted' : (a.code ?? '?');
      return { ...n, [key]: (n[key] ?? 0) + 1 };
    }, {});
    console.log(`round ${r}: ${JSON.stringify(codes)} in ${Date.now() - roundStarted} ms`);
    // Each distinct item is accepted; of the crowd on the shared item exactly one is, the rest refused.
    const unexpected = round.filter(
      (a) => (a.itemId !== 'shared' && !a.accepted) || (!a.accepted && a.code !== 'CONFLICT'),
    );
    expect(unexpected).toEqual([]);
    expect(round.filter((a) => a.itemId === 'shared' && a.accepted)).toHaveLength(1);
  }
  console.log(`${ROUNDS} rounds in ${Date.now() - started} ms`);

  const em = orm.em.fork();
  for (const [rolloutId, round] of answers) {
    // No workflow task of the phase (in any of its runs) or of the rollout failed.
    const phase = await failedTasks(phaseWorkflowId(rolloutId, 'crowd'));
    const rollout = await failedTasks(rolloutWorkflowId(rolloutId));
    expect({ rolloutId, phase: phase.failures, rollout: rollout.failures }).toEqual({
      rolloutId,
      phase: [],
      rollout: [],
    });

    // Exactly one audit entry per accepted action, and one refusal entry per refused one.
    const accepted = round.filter((a) => a.accepted);
    const rows = await em.find(AuditEntry, { rolloutId, action: 'checklist.complete' });
    expect(rows.map((r) => `${r.actor} ${r.target} ${r.outcome}`).sort()).toEqual(
      accepted.map((a) => `${a.user} ${a.itemId} accepted`).sort(),
    );
    const refused = await em.count(AuditEntry, {
      rolloutId,
      action: 'api.completeChecklistItem',
      outcome: 'refused',
    });
    expect(refused).toBe(round.length - accepted.length);

    // The phase's state agrees: every item done, each by the one who was answered yes.
    const state = await stack.gql<{
      rollout: { phases: { id: string; checklist: { id: string; status: string; doneBy?: string }[] }[] };
    }>(`query R($id: ID!) { rollout(id: $id) { phases { id checklist { id status doneBy } } } }`, {
      id: rolloutId,
    });
    const checklist = state.data!.rollout.phases.find((p) => p.id === 'crowd')!.checklist;
    expect(checklist.filter((i) => i.status !== 'DONE')).toEqual([]);
    expect(Object.fromEntries(checklist.map((i) => [i.id, i.doneBy]))).toEqual(
      Object.fromEntries(accepted.map((a) => [a.itemId, a.user])),
    );
  }
  expect(await new AuditLogService(orm).verify()).toMatchObject({ ok: true });
});

/** The items whose completion the phase accepted, one entry per UpdateAccepted event of its history. */
async function acceptedCompletions(rolloutId: string): Promise<string[]> {
  const workflowId = phaseWorkflowId(rolloutId, 'crowd');
  const items: string[] = [];
  for (const runId of await runsOf(workflowId))
    for (const event of await historyOf(workflowId, runId)) {
      const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
      const arg = request?.input?.args?.payloads?.[0]?.data;
      if (arg) items.push((JSON.parse(Buffer.from(arg).toString('utf8')) as { itemId: string }).itemId);
    }
  return items.sort();
}

test('a request sent again with the same Idempotency-Key is carried out once and answered the same', async () => {
  const rolloutId = 'crowd-idempotent';
  await startCrowdRollout(planVersionId, rolloutId);
  const key = { 'idempotency-key': 'retry-of-item-0' };
  // The client did not hear the first answer and sends the request again, and again at the same time.
  const first = await complete(rolloutId, 'ann', 'item-0', key);
  const again = await Promise.all([
    complete(rolloutId, 'ann', 'item-0', key),
    complete(rolloutId, 'ann', 'item-0', key),
  ]);
  expect([first, ...again]).toEqual(
    Array.from({ length: 3 }, () => ({ user: 'ann', itemId: 'item-0', accepted: true })),
  );
  // One Update in the phase's history, one audit entry.
  expect(await acceptedCompletions(rolloutId)).toEqual(['item-0']);
  const em = orm.em.fork();
  const rows = await em.find(AuditEntry, { rolloutId, action: 'checklist.complete' });
  expect(rows.map((r) => `${r.actor} ${r.target}`)).toEqual(['ann item-0']);

  // Without the key (or with another) it is a new request: the phase sees it (and answers the repeat by the same
  // person as done already, without a second audit entry), so the history check above could tell.
  expect(await complete(rolloutId, 'ann', 'item-0', { 'idempotency-key': 'another-request' })).toMatchObject({
    accepted: true,
  });
  expect(await acceptedCompletions(rolloutId)).toEqual(['item-0', 'item-0']);
  expect(await em.fork().count(AuditEntry, { rolloutId, action: 'checklist.complete' })).toBe(1);
  expect(await new AuditLogService(orm).verify()).toMatchObject({ ok: true });
});
