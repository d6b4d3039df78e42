import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { rolloutWorkflowId } from '../../workflows/engine/messages';
import { type GqlResponse, startStack, type Stack, type StackUser } from '../support/stack';
import { temporalCli, type TemporalCli } from '../support/temporal-cli';
import { until, within } from '../support/wait';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

// A rollback is recoverable: its deploy hook has no URL configured, so it ends ROLLBACK_FAILED with the workflow
// still running, its current details naming the step and why, and one message on the plan's escalation
// channel (a real HTTP receiver). Once the worker is restarted with the hook's URL, `retryRollbackStep` runs
// the step again and the rollback finishes ROLLED_BACK; on a second rollout `resolveRollbackStep` records that
// a person did it by hand, and the rollback finishes too. Both over GraphQL, both audited.

jest.setTimeout(300_000);

const rita: StackUser = { id: 'rita', roles: ['release-manager'] };
const olga: StackUser = { id: 'olga', roles: ['operator'] };
const omar: StackUser = { id: 'omar', roles: ['operator'] };

const STEP = 'revert-deployment';
/** One phase that waits for its sign-off at once; a rollback level whose first step calls the deploy hook. */
const PLAN = {
  apiVersion: 'rollout/v1',
  kind: 'RolloutPlan',
  metadata: { name: 'recoverable', title: 'Recoverable rollback' },
  phases: [{ id: 'only', name: 'Only phase' }],
  rollback: {
    levels: [
      {
        id: 'quick',
        title: 'Quick rollback',
        steps: [
          { id: STEP, title: 'Revert the deployment', action: { type: 'revert-deployment' } },
          { id: 'tell-the-team', title: 'Tell the team', action: { type: 'notify', channel: 'team' } },
        ],
      },
    ],
  },
};

const FIELDS = 'id status currentPhase rollback { level steps { id status error resolvedBy note evidence } }';
const op = (name: string, input: string) =>
  `mutation M($input: ${input}!) { ${name}(input: $input) { ${FIELDS} } }`;
const START = op('startRollout', 'StartRolloutInput');
const ROLLBACK = op('triggerRollback', 'TriggerRollbackInput');
const RETRY = op('retryRollbackStep', 'RetryRollbackStepInput');
const RESOLVE = op('resolveRollbackStep', 'ResolveRollbackStepInput');
const ROLLOUT = `query R($id: ID!) { rollout(id: $id) { ${FIELDS} } }`;
const LIST = `query L { rollouts(filter: { plan: "recoverable" }, first: 50) { edges { node { id status } } } }`;
const AUDIT = `query A($id: ID!) {
  auditLog(rolloutId: $id, first: 100) { edges { node { seq action target actor outcome payloadJson } } }
}`;

interface View {
  id: string;
  status: string;
  currentPhase?: string | null;
  rollback?: {
    level?: string;
    steps: {
      id: string;
      status: string;
      error?: string | null;
      resolvedBy?: string | null;
      note?: string | null;
      evidence?: string | null;
    }[];
  } | null;
}
interface Entry {
  seq: number;
  action: string;
  target: string;
  actor: string;
  outcome: string;
  payloadJson: string;
}

let stack: Stack;
let cli: TemporalCli;
let receiver: WebhookReceiver;
let planVersionId: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  stack = await startStack('recoverable', {
    // The escalation and team channels go to the receiver; no hook has a URL yet.
    workerEnv: {
      NOTIFY_WEBHOOK_URLS: JSON.stringify({
        escalation: `${receiver.url}/escalation`,
        team: `${receiver.url}/team`,
      }),
    },
  });
  cli = temporalCli(stack.env.address);
  planVersionId = await stack.importPlan({ yaml: JSON.stringify(PLAN) }, rita);
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

async function answer(what: string, r: Promise<GqlResponse<Record<string, unknown>>>): Promise<View> {
  const res = await within(60_000, what, r);
  if (res.errors?.length) throw new Error(`${what} refused: ${JSON.stringify(res.errors)}`);
  return Object.values(res.data ?? {})[0] as View;
}

const explain = () =>
  `--- worker ---\n${stack.workerOutput().slice(-3000)}\n--- api ---\n${stack.apiOutput().slice(-2000)}`;

const read = (id: string) => answer(`rollout(${id})`, stack.gql(ROLLOUT, { id }));

/** Waits for the rollout to stand at `status` (the rollback runs on its own: its end is waited for). */
const reaches = (id: string, status: string) =>
  until(`${id} ${status}`, async () => ((await read(id)).status === status ? read(id) : undefined), {
    timeoutMs: 120_000,
    intervalMs: 250,
    explain,
  });

async function listStatus(id: string): Promise<string | undefined> {
  const r = await stack.gql<{ rollouts: { edges: { node: { id: string; status: string } }[] } }>(LIST);
  return r.data?.rollouts.edges.find((e) => e.node.id === id)?.node.status;
}

async function auditOf(id: string): Promise<Entry[]> {
  const r = await stack.gql<{ auditLog: { edges: { node: Entry }[] } }>(AUDIT, { id });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.auditLog.edges.map((e) => e.node).sort((a, b) => a.seq - b.seq);
}

/** What the Web UI shows as the workflow's current details. */
const currentDetails = async (id: string): Promise<string> =>
  (
    await stack.env.client.workflow
      .getHandle(rolloutWorkflowId(id))
      .query<{ currentDetails?: string }>('__temporal_workflow_metadata')
  ).currentDetails ?? '';

const escalations = (id: string) =>
  receiver.received.filter(
    (r) => r.path === '/escalation' && (r.body as { rolloutId?: string } | undefined)?.rolloutId === id,
  );

/** Starts a rollout and rolls it back the moment the start answers; returns once it is ROLLBACK_FAILED. */
async function failedRollback(id: string): Promise<View> {
  const started = await answer(`start ${id}`, stack.gql(START, { input: { planVersionId, id } }, rita));
  expect(started.currentPhase).toBe('only');
  await answer(
    `rollback ${id}`,
    stack.gql(ROLLBACK, { input: { rolloutId: id, level: 'quick', reason: 'checkout errors' } }, olga),
  );
  return reaches(id, 'ROLLBACK_FAILED');
}

/** How the workflow closed: Failed, with a non-retryable ApplicationFailure typed as the outcome. */
async function closedAs(id: string): Promise<{ status: string; type?: string; message: string }> {
  const error = await within(
    60_000,
    `${id}: result`,
    stack.env.client.workflow
      .getHandle(rolloutWorkflowId(id))
      .result()
      .then(
        () => undefined,
        (e: unknown) => e,
      ),
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause.nonRetryable).toBe(true);
  const { status } = await cli.describe(rolloutWorkflowId(id));
  return { status, type: cause.type ?? undefined, message: cause.message };
}

test('ROLLBACK_FAILED keeps the workflow open and escalates once; retry (once configured) and resolve finish the rollback ROLLED_BACK, audited', async () => {
  const A = 'recover-by-retry';
  const B = 'recover-by-resolve';
  const failedA = await failedRollback(A);
  const failedB = await failedRollback(B);

  for (const [id, failed] of [
    [A, failedA],
    [B, failedB],
  ] as const) {
    // The step is named with why; the steps after it wait.
    expect(failed.rollback?.steps.map((s) => [s.id, s.status])).toEqual([
      [STEP, 'FAILED'],
      ['tell-the-team', 'PENDING'],
    ]);
    expect(failed.rollback?.steps[0].error).toMatch(/no URL configured for revert-deployment/);
    // Not an end: the workflow is still running, the list agrees, the Web UI's details say what failed and why.
    expect((await cli.describe(rolloutWorkflowId(id))).status).toBe('Running');
    expect((await cli.describe(rolloutWorkflowId(id))).searchAttributes.RolloutStatus).toBe(
      'ROLLBACK_FAILED',
    );
    expect(await listStatus(id)).toBe('ROLLBACK_FAILED');
    const details = await currentDetails(id);
    expect(details).toContain(STEP);
    expect(details).toMatch(/no URL configured/);
    // One message to the escalation channel, received over HTTP, naming the rollout and the step.
    const escalated = await until(
      `${id}: escalation received`,
      () => escalations(id).length > 0 && escalations(id),
      {
        timeoutMs: 60_000,
        explain,
      },
    );
    expect(JSON.stringify(escalated[0].body)).toContain(STEP);
  }

  // The hook's URL is configured: the worker restarted with it (adapters read configuration when it starts).
  await stack.killWorker('SIGTERM');
  await stack.startWorker({ HOOK_URLS: JSON.stringify({ 'revert-deployment': `${receiver.url}/revert` }) });

  // A: the step is retried, now reaches the hook, and the rollback goes on to the end.
  const retried = await answer(
    'retryRollbackStep',
    stack.gql(RETRY, { input: { rolloutId: A, stepId: STEP } }, omar),
  );
  expect(retried.id).toBe(A);
  const doneA = await reaches(A, 'ROLLED_BACK');
  expect(doneA.rollback?.steps.map((s) => [s.id, s.status])).toEqual([
    [STEP, 'DONE'],
    ['tell-the-team', 'DONE'],
  ]);
  const hookCalls = receiver.received.filter((r) => r.path === '/revert');
  expect(hookCalls.map((r) => (r.body as { rolloutId: string; stepId: string }).rolloutId)).toEqual([A]);
  expect(
    receiver.received
      .filter((r) => r.path === '/team')
      .map((r) => (r.body as { rolloutId: string }).rolloutId),
  ).toContain(A);

  // B: a person did it by hand; the rollback goes on without calling the hook.
  const resolved = await answer(
    'resolveRollbackStep',
    stack.gql(
      RESOLVE,
      {
        input: {
          rolloutId: B,
          stepId: STEP,
          note: 'reverted with kubectl rollout undo',
          evidence: 'https://ci.example.com/run/42',
        },
      },
      omar,
    ),
  );
  expect(resolved.id).toBe(B);
  const doneB = await reaches(B, 'ROLLED_BACK');
  expect(doneB.rollback?.steps.map((s) => [s.id, s.status])).toEqual([
    [STEP, 'RESOLVED'],
    ['tell-the-team', 'DONE'],
  ]);
  expect(doneB.rollback?.steps[0]).toMatchObject({
    resolvedBy: 'omar',
    note: 'reverted with kubectl rollout undo',
    evidence: 'https://ci.example.com/run/42',
  });
  expect(receiver.received.filter((r) => r.path === '/revert')).toHaveLength(1);

  // Both closed as Temporal failures typed ROLLED_BACK; the list agrees.
  for (const id of [A, B]) {
    const closed = await closedAs(id);
    expect([closed.status, closed.type]).toEqual(['Failed', 'ROLLED_BACK']);
    expect(await listStatus(id)).toBe('ROLLED_BACK');
    const { searchAttributes } = (await cli.list(`WorkflowId = '${rolloutWorkflowId(id)}'`))[0];
    expect(searchAttributes.RolloutStatus).toBe('ROLLED_BACK');
    // Still exactly one escalation for the failure.
    expect(escalations(id)).toHaveLength(1);
  }

  // Audited: who retried, who resolved (with the note and evidence), and the final transition naming the step
  // resolved by hand and by whom.
  const auditA = await auditOf(A);
  const retry = auditA.find((e) => e.actor === 'omar' && /retry/i.test(e.action));
  expect(retry).toMatchObject({ outcome: 'accepted' });
  expect(`${retry?.target} ${retry?.payloadJson}`).toContain(STEP);
  expect(auditA.filter((e) => e.action === 'rollout.transition').map((e) => e.target)).toEqual(
    expect.arrayContaining(['ROLLING_BACK', 'ROLLBACK_FAILED', 'ROLLED_BACK']),
  );

  const auditB = await auditOf(B);
  const resolve = auditB.find((e) => e.actor === 'omar' && /resolve/i.test(e.action));
  expect(resolve).toMatchObject({ outcome: 'accepted' });
  expect(`${resolve?.target} ${resolve?.payloadJson}`).toContain(STEP);
  expect(resolve?.payloadJson).toContain('reverted with kubectl rollout undo');
  expect(resolve?.payloadJson).toContain('https://ci.example.com/run/42');
  const finalB = auditB.filter((e) => e.action === 'rollout.transition').at(-1)!;
  expect(finalB.target).toBe('ROLLED_BACK');
  expect(finalB.payloadJson).toContain(STEP);
  expect(finalB.payloadJson).toContain('omar');
});
