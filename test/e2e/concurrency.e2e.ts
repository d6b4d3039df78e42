import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { temporal } from '@temporalio/proto';
import { AuditEntry, AuditLogService, mikroOrmOptions } from '../../libs/persistence/src';
import { phaseWorkflowId, rolloutWorkflowId } from '../../workflows/engine/messages';
import { IMPORT_PLAN } from '../support/rollout-operations';
import { startStack, type Stack } from '../support/stack';

// Many people acting on one phase at once, through the API on a real dev server: rounds of 50 actions on 50
// items of one phase, each with 50 people completing one shared item. Every answer is an acceptance or a
// typed refusal, no workflow task fails, and the audit log holds exactly one entry per accepted action.

const ROUNDS = Number(process.env.CONCURRENCY_ROUNDS ?? 10);
const WIDTH = 50;
// Generous: 100 actions at once on a busy 2-core machine queue behind each other on one workflow.
const ACTION_TIMEOUT_MS = 120_000;
jest.setTimeout(ROUNDS * 240_000 + 120_000);

const EventType = temporal.api.enums.v1.EventType;

/** A plan whose first phase has a checklist of ROUNDS × (WIDTH + 1) items, generated here. */
function crowdPlanYaml(): string {
  const items: string[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < WIDTH; i++)
      items.push(`      - { id: r${r}-item-${i}, title: Round ${r} item ${i}, kind: manual }`);
    items.push(`      - { id: r${r}-shared, title: Round ${r} shared item, kind: manual }`);
  }
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
async function complete(rolloutId: string, user: string, itemId: string): Promise<Answer> {
  const token = await stack.token(user, ['engineer']);
  const res = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
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

/** Every run of a workflow (continue-as-new starts new ones) and the failed workflow tasks in each. */
async function failedTasks(workflowId: string): Promise<{ runs: number; failures: string[] }> {
  const client = stack.env.client;
  const runs: string[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(wf.runId);
  const failures: string[] = [];
  for (const runId of runs) {
    // Page by page, small pages: every Update's answer is the phase's whole state, and a run's history
    // exceeds the gRPC message limit in one piece.
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await client.workflowService.getWorkflowExecutionHistory({
        namespace: 'default',
        execution: { workflowId, runId },
        maximumPageSize: 100,
        nextPageToken,
      });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    for (const event of events) {
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
        failures.push(
          `${runId} #${String(event.eventId)}: ${event.workflowTaskFailedEventAttributes?.failure?.message ?? '?'}`,
        );
    }
  }
  return { runs: runs.length, failures };
}

test(`${ROUNDS} rounds of ${WIDTH} people on ${WIDTH} items, and ${WIDTH} on one item, are all answered, once`, async () => {
  const imported = await stack.gql<{ importPlan: { planVersion: { id: string } } }>(IMPORT_PLAN, {
    input: { yaml: crowdPlanYaml() },
  });
  expect(imported.errors).toBeUndefined();
  const planVersionId = imported.data!.importPlan.planVersion.id;
  const rolloutId = 'crowd-1';
  const started = await stack.gql<{ startRollout: { currentPhase: string } }>(
    `mutation S($input: StartRolloutInput!) { startRollout(input: $input) { currentPhase } }`,
    { input: { planVersionId, id: rolloutId } },
  );
  expect(started.errors).toBeUndefined();
  expect(started.data!.startRollout.currentPhase).toBe('crowd');

  const answers: Answer[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round = await Promise.all([
      ...Array.from({ length: WIDTH }, (_, i) => complete(rolloutId, `worker-${i}`, `r${r}-item-${i}`)),
      ...Array.from({ length: WIDTH }, (_, i) => complete(rolloutId, `crowd-${i}`, `r${r}-shared`)),
    ]);
    answers.push(...round);
    // Each distinct item is accepted; of the crowd on the shared item exactly one is, the rest refused.
    const unexpected = round.filter(
      (a) => (a.itemId.includes('-item-') && !a.accepted) || (!a.accepted && a.code !== 'CONFLICT'),
    );
    expect(unexpected).toEqual([]);
    expect(round.filter((a) => a.itemId === `r${r}-shared` && a.accepted)).toHaveLength(1);
  }

  // No workflow task of the phase (in any of its runs) or of the rollout failed.
  const phase = await failedTasks(phaseWorkflowId(rolloutId, 'crowd'));
  const rollout = await failedTasks(rolloutWorkflowId(rolloutId));
  expect({ phase: phase.failures, rollout: rollout.failures }).toEqual({ phase: [], rollout: [] });
  console.log(`phase workflow: ${phase.runs} run(s) (continue-as-new every ~4,000 events)`);

  // Exactly one audit entry per accepted action, and one refusal entry per refused one.
  const em = orm.em.fork();
  const accepted = answers.filter((a) => a.accepted);
  const rows = await em.find(AuditEntry, { rolloutId, action: 'checklist.complete' });
  expect(rows.map((r) => `${r.actor} ${r.target} ${r.outcome}`).sort()).toEqual(
    accepted.map((a) => `${a.user} ${a.itemId} accepted`).sort(),
  );
  const refused = await em.count(AuditEntry, {
    rolloutId,
    action: 'api.completeChecklistItem',
    outcome: 'refused',
  });
  expect(refused).toBe(answers.length - accepted.length);
  expect(await new AuditLogService(orm).verify()).toMatchObject({ ok: true });

  // The phase's state agrees: every round's items done, each by the one who was answered yes.
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
});
