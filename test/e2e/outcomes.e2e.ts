import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { phaseWorkflowId, rolloutWorkflowId } from '../../workflows/engine/messages';
import { type GqlResponse, startStack, type Stack, type StackUser } from '../support/stack';
import { temporalCli, type CliWorkflow, type TemporalCli } from '../support/temporal-cli';
import { until, within } from '../support/wait';

// Outcomes in Temporal's own terms, read from the outside: five rollouts on the dev server, driven over GraphQL
// against the built API and worker, end COMPLETED, ROLLED_BACK, ABORTED, cancelled with `temporal workflow
// cancel` and terminated with `temporal workflow terminate`. For each, the real `temporal` CLI's status and
// RolloutStatus, the `rollouts` list row, `rollout(id)` and the audit entry of the final transition agree.
// Every action is sent the moment the previous answer arrives; only the outcomes are waited for.

jest.setTimeout(300_000);

const rita: StackUser = { id: 'rita', roles: ['release-manager'] };
const olga: StackUser = { id: 'olga', roles: ['operator'] };

/** One phase, no checklist and no soak (so it waits for its sign-off at once), one rollback level. */
const PLAN = {
  apiVersion: 'rollout/v1',
  kind: 'RolloutPlan',
  metadata: { name: 'outcomes', title: 'Outcomes' },
  phases: [{ id: 'only', name: 'Only phase' }],
  rollback: {
    levels: [
      {
        id: 'quick',
        title: 'Quick rollback',
        steps: [{ id: 'tell-the-team', title: 'Tell the team', action: { type: 'notify', channel: 'team' } }],
      },
    ],
  },
};

const FIELDS = 'id status currentPhase workflowId';
const START = `mutation S($input: StartRolloutInput!) { startRollout(input: $input) { ${FIELDS} } }`;
const SIGN = `mutation G($input: SignOffGateInput!) { signOffGate(input: $input) { ${FIELDS} } }`;
const ROLLBACK = `mutation R($input: TriggerRollbackInput!) { triggerRollback(input: $input) { ${FIELDS} } }`;
const ABORT = `mutation A($input: AbortRolloutInput!) { abortRollout(input: $input) { ${FIELDS} } }`;
const ROLLOUT = `query R($id: ID!) { rollout(id: $id) { ${FIELDS} } }`;
const LIST = `query L($filter: RolloutFilterInput) {
  rollouts(filter: $filter, first: 50) { totalCount edges { node { id status } } }
}`;
const AUDIT = `query A($id: ID!) {
  auditLog(rolloutId: $id, first: 100) { edges { node { seq action target actor payloadJson } } }
}`;

interface View {
  id: string;
  status: string;
  currentPhase?: string | null;
  workflowId: string;
}
interface Entry {
  seq: number;
  action: string;
  target: string;
  actor: string;
  payloadJson: string;
}

let stack: Stack;
let cli: TemporalCli;
let planVersionId: string;

beforeAll(async () => {
  // The reconciler at its default interval (15 s): "within a minute" is what is checked.
  stack = await startStack('outcomes');
  cli = temporalCli(stack.env.address);
  planVersionId = await stack.importPlan({ yaml: JSON.stringify(PLAN) }, rita);
});

afterAll(async () => {
  await stack?.stop();
});

/** The answer's one field, or the refusal as a failure (an action here is never expected to be refused). */
async function answer(what: string, r: Promise<GqlResponse<Record<string, unknown>>>): Promise<View> {
  const res = await within(60_000, what, r);
  if (res.errors?.length) throw new Error(`${what} refused: ${JSON.stringify(res.errors)}`);
  return Object.values(res.data ?? {})[0] as View;
}

const start = (id: string) => answer(`start ${id}`, stack.gql(START, { input: { planVersionId, id } }, rita));

const explain = () =>
  `--- worker ---\n${stack.workerOutput().slice(-3000)}\n--- api ---\n${stack.apiOutput().slice(-2000)}`;

/** The workflow as `temporal workflow list` shows it, once it has closed. */
const closed = (id: string): Promise<CliWorkflow> =>
  until(
    `${rolloutWorkflowId(id)} closed in temporal workflow list`,
    async () => {
      const [row] = await cli.list(`WorkflowId = '${rolloutWorkflowId(id)}'`);
      return row && row.status !== 'Running' && row;
    },
    { timeoutMs: 120_000, intervalMs: 500, explain },
  );

/** How the rollout's workflow failed (for the Failed ones): the SDK's view of Temporal's close event. */
async function failureOf(id: string): Promise<ApplicationFailure> {
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
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

async function listRow(id: string, filter: Record<string, unknown> = { plan: 'outcomes' }) {
  const r = await stack.gql<{
    rollouts: { totalCount: number; edges: { node: { id: string; status: string } }[] };
  }>(LIST, { filter });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.rollouts.edges.find((e) => e.node.id === id)?.node;
}

async function auditOf(id: string): Promise<Entry[]> {
  const r = await stack.gql<{ auditLog: { edges: { node: Entry }[] } }>(AUDIT, { id });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.auditLog.edges.map((e) => e.node).sort((a, b) => a.seq - b.seq);
}

/** The rollout's status transitions, in order, as `target:actor`. */
const transitions = async (id: string) =>
  (await auditOf(id)).filter((e) => e.action === 'rollout.transition').map((e) => `${e.target}:${e.actor}`);

/** Everything read from the outside about a rollout that has ended. */
async function outcome(id: string) {
  const temporal = await closed(id);
  const rollout = await answer(`rollout(${id})`, stack.gql(ROLLOUT, { id }));
  const row = await listRow(id);
  const filtered = await listRow(id, { plan: 'outcomes', status: rollout.status });
  return {
    temporal: temporal.status,
    rolloutStatus: temporal.searchAttributes.RolloutStatus,
    list: row?.status,
    filtered: filtered?.status,
    rollout: rollout.status,
  };
}

test('COMPLETED, ROLLED_BACK, ABORTED, cancelled and terminated rollouts read the same in Temporal, the list, the rollout and the audit log', async () => {
  // E first: the reconciler's tick is what the test waits longest for.
  const e = await start('outcome-terminated');
  expect(e.currentPhase).toBe('only');
  await cli.terminate(rolloutWorkflowId(e.id), 'stuck: terminated by hand');
  const terminatedAt = Date.now();

  // A: signed the moment the start has answered (it names the phase: the phase is running) → COMPLETED.
  const a = await start('outcome-completed');
  expect(a.currentPhase).toBe('only');
  const signed = await answer(
    'sign-off',
    stack.gql(SIGN, { input: { rolloutId: a.id, phaseId: 'only', note: 'go' } }, rita),
  );
  expect(signed.id).toBe(a.id);

  // B: rolled back by an operator → ROLLED_BACK.
  const b = await start('outcome-rolled-back');
  const rolling = await answer(
    'rollback',
    stack.gql(ROLLBACK, { input: { rolloutId: b.id, level: 'quick', reason: 'error rate > 5%' } }, olga),
  );
  expect(['ROLLING_BACK', 'ROLLED_BACK']).toContain(rolling.status);

  // C: aborted by an operator → ABORTED.
  const c = await start('outcome-aborted');
  const aborted = await answer(
    'abort',
    stack.gql(ABORT, { input: { rolloutId: c.id, reason: 'wrong week' } }, olga),
  );
  expect(aborted.status).toBe('ABORTED');

  // D: cancelled with the CLI (what the Web UI's "Request Cancellation" does) → handled as an abort.
  const d = await start('outcome-cancelled');
  await cli.cancel(rolloutWorkflowId(d.id));

  expect(await outcome(a.id)).toEqual({
    temporal: 'Completed',
    rolloutStatus: 'COMPLETED',
    list: 'COMPLETED',
    filtered: 'COMPLETED',
    rollout: 'COMPLETED',
  });
  expect(await outcome(b.id)).toEqual({
    temporal: 'Failed',
    rolloutStatus: 'ROLLED_BACK',
    list: 'ROLLED_BACK',
    filtered: 'ROLLED_BACK',
    rollout: 'ROLLED_BACK',
  });
  expect(await outcome(c.id)).toEqual({
    temporal: 'Failed',
    rolloutStatus: 'ABORTED',
    list: 'ABORTED',
    filtered: 'ABORTED',
    rollout: 'ABORTED',
  });
  expect(await outcome(d.id)).toEqual({
    temporal: 'Canceled',
    rolloutStatus: 'ABORTED',
    list: 'ABORTED',
    filtered: 'ABORTED',
    rollout: 'ABORTED',
  });

  // Failed with a non-retryable ApplicationFailure whose type is the outcome and whose message says why and who.
  const rolledBack = await failureOf(b.id);
  expect([rolledBack.type, rolledBack.nonRetryable]).toEqual(['ROLLED_BACK', true]);
  expect(rolledBack.message).toMatch(/olga/);
  expect(rolledBack.message).toMatch(/error rate > 5%/);
  const abortedFailure = await failureOf(c.id);
  expect([abortedFailure.type, abortedFailure.nonRetryable]).toEqual(['ABORTED', true]);
  expect(abortedFailure.message).toMatch(/olga/);
  expect(abortedFailure.message).toMatch(/wrong week/);

  // The audit log: who moved each rollout to its end.
  expect(await transitions(a.id)).toEqual(
    expect.arrayContaining(['RUNNING:rita', 'WAITING_FOR_SIGN_OFF:engine']),
  );
  expect((await transitions(a.id)).slice(-1)).toEqual(['COMPLETED:engine']);
  expect((await transitions(b.id)).slice(-2)).toEqual(['ROLLING_BACK:olga', 'ROLLED_BACK:engine']);
  expect((await transitions(c.id)).slice(-1)).toEqual(['ABORTED:olga']);
  expect((await transitions(d.id)).slice(-1)).toEqual(['ABORTED:temporal']);
  const cancelEntry = (await auditOf(d.id)).filter((x) => x.action === 'rollout.transition').at(-1)!;
  expect(cancelEntry.payloadJson).toMatch(/cancel/i);
  // The cancelled rollout's phase was cancelled with it.
  expect((await cli.describe(phaseWorkflowId(d.id, 'only'))).status).not.toBe('Running');

  // E: terminated, which no workflow code sees; the reconciler lists it TERMINATED within a minute.
  const terminated = await until(
    `${e.id} listed TERMINATED`,
    async () => (await listRow(e.id))?.status === 'TERMINATED' && Date.now(),
    { timeoutMs: 60_000, intervalMs: 500, explain },
  );
  expect(terminated - terminatedAt).toBeLessThan(60_000);
  expect((await closed(e.id)).status).toBe('Terminated');
  expect((await answer(`rollout(${e.id})`, stack.gql(ROLLOUT, { id: e.id }))).status).toBe('TERMINATED');
  expect((await listRow(e.id, { plan: 'outcomes', status: 'TERMINATED' }))?.status).toBe('TERMINATED');
  const last = (await auditOf(e.id)).filter((x) => x.action === 'rollout.transition').at(-1)!;
  expect([last.target, last.actor]).toEqual(['TERMINATED', 'temporal']);
  expect(JSON.parse(last.payloadJson)).toMatchObject({
    temporalStatus: 'TERMINATED',
    closeTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
  });

  // And as an operator reads them all at once: the CLI's own table.
  const ids = [a, b, c, d, e].map((r) => `'${rolloutWorkflowId(r.id)}'`).join(', ');
  const table = await cli.table(`WorkflowId IN (${ids})`);
  expect(Object.fromEntries(table.map((row) => [row.workflowId, row.status]))).toEqual({
    [rolloutWorkflowId(a.id)]: 'Completed',
    [rolloutWorkflowId(b.id)]: 'Failed',
    [rolloutWorkflowId(c.id)]: 'Failed',
    [rolloutWorkflowId(d.id)]: 'Canceled',
    [rolloutWorkflowId(e.id)]: 'Terminated',
  });
});
