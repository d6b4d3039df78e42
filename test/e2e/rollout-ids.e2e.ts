import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { AuditEntry, mikroOrmOptions, RolloutProjection } from '../../libs/persistence/src';
import type { RolloutPlan } from '../../libs/plan/src';
import type { PlanRolloutInput } from '../../workflows/engine/messages';
import { awaitPhaseUpdate, phaseWorkflowId, rolloutWorkflowId } from '../../workflows/engine/messages';
import { startStack, type Stack } from '../support/stack';
import { until } from '../support/wait';

// Rollout ids and workflow IDs: a new rollout's id can never name another rollout's phase workflow, and a
// rollout whose workflow cannot start answers a typed error and leaves no row in the list behind.

jest.setTimeout(180_000);

const PLAN = `apiVersion: rollout/v1
kind: RolloutPlan
metadata:
  name: ids
phases:
  - id: staging
    name: Staging
    checklist:
      - { id: smoke, title: Smoke tests, kind: manual }
  - id: production
    name: Production
    checklist:
      - { id: go, title: Go, kind: manual }
`;

let stack: Stack;
let orm: MikroORM;
let planVersionId: string;

beforeAll(async () => {
  stack = await startStack('rollout-ids');
  orm = await MikroORM.init(
    mikroOrmOptions({ driver: 'sqlite', file: join(stack.dataDir, 'rollouts.sqlite'), debug: false }),
  );
  planVersionId = await stack.importPlan({ yaml: PLAN });
});

afterAll(async () => {
  await orm?.close();
  await stack?.stop();
});

const START = `mutation S($input: StartRolloutInput!) { startRollout(input: $input) { id status currentPhase } }`;
const ROLLOUT = `query R($id: ID!) { rollout(id: $id) { id status currentPhase } }`;
const COMPLETE = `mutation C($input: CompleteChecklistItemInput!) { completeChecklistItem(input: $input) { id } }`;
const rows = (rolloutId: string) => orm.em.fork().count(RolloutProjection, { rolloutId });

const startRefusals = () =>
  orm.em
    .fork()
    .find(AuditEntry, { action: 'api.startRollout', outcome: 'refused' }, { orderBy: { seq: 'asc' } });

test('an id with "phase" as a word is refused at the edge, naming the pattern, and audited; nothing starts', async () => {
  const before = (await startRefusals()).length;
  for (const id of ['coll-phase-staging', 'x-phase', 'phase-1']) {
    const res = await stack.gql(START, { input: { planVersionId, id } });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toContain('without "phase" as a dash-separated word');
    expect(res.errors?.[0].message).toContain('(?:-|$)'); // the pattern itself
    expect(await rows(id)).toBe(0);
    await expect(stack.env.client.workflow.getHandle(rolloutWorkflowId(id)).describe()).rejects.toThrow();
  }
  // Refused by the validation pipe (class-validator's BAD_REQUEST, answered as BAD_USER_INPUT): audited too.
  const refusals = await until('three audited startRollout refusals', async () => {
    const all = await startRefusals();
    return all.length >= before + 3 && all.slice(before);
  });
  expect(refusals).toHaveLength(3);
  for (const entry of refusals) {
    expect(entry.payload).toMatchObject({ code: 'BAD_USER_INPUT', via: 'graphql' });
    expect(String(entry.payload.message)).toContain('without "phase" as a dash-separated word');
  }
  // "phased" is another word: allowed.
  const ok = await stack.gql(START, { input: { planVersionId, id: 'phased-in' } });
  expect(ok.errors).toBeUndefined();
});

test("a phase workflow ID taken by an older rollout's workflow: CONFLICT, no row; the older rollout still works", async () => {
  // A rollout started before ids were checked (directly, as the API once could): rollout-coll-phase-staging,
  // which is also the workflow ID of rollout "coll"'s phase "staging".
  const plan = await stack.gql<{ planVersion: { planJson: string } }>(
    `query P($id: ID!) { planVersion(id: $id) { planJson } }`,
    { id: planVersionId },
  );
  const input: PlanRolloutInput = {
    rolloutId: 'coll-phase-staging',
    plan: JSON.parse(plan.data!.planVersion.planJson) as RolloutPlan,
    startedBy: 'e2e',
  };
  await stack.env.client.workflow.start('planRolloutWorkflow', {
    workflowId: rolloutWorkflowId('coll-phase-staging'),
    taskQueue: stack.taskQueue,
    args: [input],
    memo: { planVersionId },
  });
  expect(phaseWorkflowId('coll', 'staging')).toBe(rolloutWorkflowId('coll-phase-staging'));

  const res = await stack.gql(START, { input: { planVersionId, id: 'coll' } });
  expect(res.errors?.[0].extensions?.code).toBe('CONFLICT');
  expect(res.errors?.[0].message).toContain('rollout-coll-phase-staging');
  expect(await rows('coll')).toBe(0);
  expect((await stack.gql(ROLLOUT, { id: 'coll' })).errors?.[0].extensions?.code).toBe('NOT_FOUND');

  // The older rollout is untouched and takes actions. Started directly, it gave no answer naming its phase:
  // its awaitPhase Update answers once it is in its first phase, whose workflow runs, and the action follows.
  const entered = await stack.env.client.workflow
    .getHandle(rolloutWorkflowId('coll-phase-staging'))
    .executeUpdate(awaitPhaseUpdate, { args: [{}] });
  expect([entered.status, entered.currentPhaseId]).toEqual(['RUNNING', 'staging']);
  const done = await stack.gql(COMPLETE, { input: { rolloutId: 'coll-phase-staging', itemId: 'smoke' } });
  expect(done.errors).toBeUndefined();
});

test('starting an id that is already running: CONFLICT, and the list keeps the one row of the first', async () => {
  const first = await stack.gql(START, { input: { planVersionId, id: 'twice' } });
  expect(first.errors).toBeUndefined();
  const second = await stack.gql(START, { input: { planVersionId, id: 'twice' } });
  expect(second.errors?.[0].extensions?.code).toBe('CONFLICT');
  expect(await rows('twice')).toBe(1);
  const read = await stack.gql<{ rollout: { currentPhase: string } }>(ROLLOUT, { id: 'twice' });
  expect(read.data?.rollout.currentPhase).toBe('staging');
});

test("an action on an ended rollout: CONFLICT naming the rollout's status, not its workflow's", async () => {
  expect((await stack.gql(START, { input: { planVersionId, id: 'ended' } })).errors).toBeUndefined();
  const aborted = await stack.gql(
    `mutation A($input: AbortRolloutInput!) { abortRollout(input: $input) { status } }`,
    { input: { rolloutId: 'ended', reason: 'e2e' } },
  );
  expect(aborted.errors).toBeUndefined();
  const handle = stack.env.client.workflow.getHandle(rolloutWorkflowId('ended'));
  await until(
    'the aborted rollout workflow to close',
    async () => (await handle.describe()).status.name !== 'RUNNING',
  );
  const res = await stack.gql(
    `mutation P($input: PauseRolloutInput!) { pauseRollout(input: $input) { status } }`,
    { input: { rolloutId: 'ended', reason: 'e2e' } },
  );
  expect(res.errors?.[0].extensions?.code).toBe('CONFLICT');
  // Not "(COMPLETED)", which the workflow of an aborted, rolled back or failed rollout also is.
  expect(res.errors?.[0].message).toBe('Rollout ended has ended (ABORTED); it takes no more actions');
});
