import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { AuditEntry, mikroOrmOptions } from '../../libs/persistence/src';
import { rolloutWorkflowId } from '../../workflows/messages';
import {
  RolloutIdKey,
  RolloutPhaseKey,
  RolloutPlanKey,
  RolloutStatusKey,
} from '../../workflows/search-attributes';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(180_000);

const START = /* GraphQL */ `
  mutation Start($input: StartRolloutInput!) {
    startRollout(input: $input) {
      id
      status
      workflowId
      webUiUrl
      currentPhase
    }
  }
`;
const COMPLETE = /* GraphQL */ `
  mutation Complete($input: CompleteChecklistItemInput!) {
    completeChecklistItem(input: $input) {
      status
      phases {
        id
        status
        checklist {
          id
          completed
          completedBy
          note
        }
      }
    }
  }
`;
const ROLLOUT = /* GraphQL */ `
  query Rollout($id: ID!) {
    rollout(id: $id) {
      id
      status
      currentPhase
      phases {
        id
        status
        checklist {
          id
          completed
          completedBy
        }
      }
    }
  }
`;

const phases = (items: string[]) => [
  { id: 'staging', name: 'Staging', checklist: items.map((id) => ({ id, title: `Item ${id}` })) },
];

let stack: Stack;

beforeAll(async () => {
  // Long enough for a restarted worker to take over a dead worker's sticky queue (~10 s).
  stack = await startStack('rollouts', { actionTimeoutMs: 15_000 });
});

afterAll(async () => {
  await stack?.stop();
});

async function historyLength(rolloutId: string): Promise<number> {
  const history = await stack.env.client.workflow.getHandle(rolloutWorkflowId(rolloutId)).fetchHistory();
  return history.events?.length ?? 0;
}

async function auditActions(rolloutId: string): Promise<string[]> {
  const orm = await MikroORM.init(
    mikroOrmOptions({ driver: 'sqlite', file: join(stack.dataDir, 'rollouts.sqlite'), debug: false }),
  );
  try {
    const rows = await orm.em.fork().find(AuditEntry, { rolloutId }, { orderBy: { id: 'asc' } });
    return rows.map((r) => `${r.action}:${r.target}:${r.actor}`);
  } finally {
    await orm.close();
  }
}

test('a GraphQL mutation starts a rollout, a second completes its only item, and the workflow completes', async () => {
  const started = await stack.gql(
    START,
    { input: { id: 'e2e-happy', plan: 'walking-skeleton', phases: phases(['smoke-tests']) } },
    'alice',
  );
  expect(started.errors).toBeUndefined();
  expect(started.data).toEqual({
    startRollout: {
      id: 'e2e-happy',
      status: 'RUNNING',
      workflowId: 'rollout-e2e-happy',
      webUiUrl: expect.stringMatching(/\/namespaces\/default\/workflows\/rollout-e2e-happy$/) as unknown,
      currentPhase: 'staging',
    },
  });

  const done = await stack.gql(
    COMPLETE,
    { input: { rolloutId: 'e2e-happy', itemId: 'smoke-tests', note: 'green' } },
    'bob',
  );
  expect(done.errors).toBeUndefined();
  expect(done.data).toEqual({
    completeChecklistItem: {
      status: 'COMPLETED',
      phases: [
        {
          id: 'staging',
          status: 'COMPLETED',
          checklist: [{ id: 'smoke-tests', completed: true, completedBy: 'bob', note: 'green' }],
        },
      ],
    },
  });

  const handle = stack.env.client.workflow.getHandle(rolloutWorkflowId('e2e-happy'));
  expect((await handle.result()) as unknown).toMatchObject({ status: 'COMPLETED' });
  const description = await handle.describe();
  expect(description.status.name).toBe('COMPLETED');
  const sa = description.typedSearchAttributes;
  expect([
    sa.get(RolloutIdKey),
    sa.get(RolloutPlanKey),
    sa.get(RolloutPhaseKey),
    sa.get(RolloutStatusKey),
  ]).toEqual(['e2e-happy', 'walking-skeleton', 'staging', 'COMPLETED']);

  // Visibility is eventually consistent; the list query is what `temporal workflow list` runs.
  const query = `RolloutStatus = 'COMPLETED' AND RolloutId = 'e2e-happy'`;
  let listed: string[] = [];
  for (let i = 0; i < 50 && listed.length === 0; i++) {
    listed = [];
    for await (const wf of stack.env.client.workflow.list({ query })) listed.push(wf.workflowId);
    if (!listed.length) await new Promise((r) => setTimeout(r, 200));
  }
  expect(listed).toEqual(['rollout-e2e-happy']);

  const ended = await stack.gql(COMPLETE, { input: { rolloutId: 'e2e-happy', itemId: 'smoke-tests' } });
  expect(ended.errors?.[0]).toMatchObject({
    message: 'Rollout e2e-happy has ended (COMPLETED); it takes no more actions',
    extensions: { code: 'CONFLICT' },
  });

  expect(await auditActions('e2e-happy')).toEqual([
    'rollout.start:walking-skeleton:alice',
    'checklist.complete:smoke-tests:bob',
    'rollout.complete:walking-skeleton:engine',
  ]);
});

test('unknown and already-completed items are refused with a code, and leave no event in history', async () => {
  await stack.gql(START, {
    input: { id: 'e2e-refusals', plan: 'walking-skeleton', phases: phases(['a', 'b']) },
  });
  expect(
    (await stack.gql(COMPLETE, { input: { rolloutId: 'e2e-refusals', itemId: 'a' } }, 'bob')).errors,
  ).toBeUndefined();
  const before = await historyLength('e2e-refusals');

  const unknown = await stack.gql(COMPLETE, { input: { rolloutId: 'e2e-refusals', itemId: 'zzz' } });
  expect(unknown.data).toBeNull();
  expect(unknown.errors?.[0]).toMatchObject({
    message: 'Checklist item "zzz" does not exist in rollout e2e-refusals',
    extensions: { code: 'NOT_FOUND' },
  });

  const again = await stack.gql(COMPLETE, { input: { rolloutId: 'e2e-refusals', itemId: 'a' } });
  expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
  expect(again.errors?.[0].message).toMatch(/^Checklist item "a" was already completed by bob at /);

  expect(await historyLength('e2e-refusals')).toBe(before);
  const state = await stack.gql<{
    rollout: { status: string; phases: { checklist: { completed: boolean }[] }[] };
  }>(ROLLOUT, { id: 'e2e-refusals' });
  expect(state.data?.rollout.status).toBe('RUNNING');
  expect(state.data?.rollout.phases[0].checklist.map((i) => i.completed)).toEqual([true, false]);
  expect(await auditActions('e2e-refusals')).toEqual([
    'rollout.start:walking-skeleton:e2e',
    'checklist.complete:a:bob',
  ]);
});

test('bad input and unknown rollouts get typed errors and start nothing', async () => {
  const bad = await stack.gql(START, { input: { id: 'Not An Id', plan: 'p', phases: phases(['x']) } });
  expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(bad.errors?.[0].message).toMatch(/id must be lowercase letters/);

  const dupes = await stack.gql(START, { input: { id: 'e2e-dupes', plan: 'p', phases: phases(['x', 'x']) } });
  expect(dupes.errors?.[0]).toMatchObject({
    message: 'Duplicate ids in the plan: item x',
    extensions: { code: 'BAD_USER_INPUT' },
  });
  await expect(
    stack.env.client.workflow.getHandle(rolloutWorkflowId('e2e-dupes')).describe(),
  ).rejects.toThrow(/not found/i);

  const badItem = await stack.gql(COMPLETE, { input: { rolloutId: 'e2e-happy', itemId: 'x'.repeat(300) } });
  expect(badItem.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  expect(badItem.errors?.[0].message).toMatch(/itemId must be lowercase letters/);

  const missing = await stack.gql(ROLLOUT, { id: 'no-such-rollout' });
  expect(missing.errors?.[0]).toMatchObject({
    message: 'Rollout no-such-rollout does not exist',
    extensions: { code: 'NOT_FOUND' },
  });

  await stack.gql(START, { input: { id: 'e2e-twice', plan: 'p', phases: phases(['x']) } });
  const twice = await stack.gql(START, { input: { id: 'e2e-twice', plan: 'p', phases: phases(['x']) } });
  expect(twice.errors?.[0]).toMatchObject({
    message: 'Rollout e2e-twice already exists',
    extensions: { code: 'CONFLICT' },
  });
});

test('killing the worker mid-rollout loses nothing: a restarted worker completes it', async () => {
  await stack.gql(START, {
    input: { id: 'e2e-restart', plan: 'walking-skeleton', phases: phases(['first', 'second']) },
  });
  expect(
    (await stack.gql(COMPLETE, { input: { rolloutId: 'e2e-restart', itemId: 'first' } }, 'bob')).errors,
  ).toBeUndefined();

  await stack.killWorker('SIGKILL');
  // With no worker, an action is answered within the deadline rather than holding the request forever.
  await stack.gql(START, { input: { id: 'e2e-no-worker', plan: 'walking-skeleton', phases: phases(['x']) } });
  const t0 = Date.now();
  const stalled = await stack.gql(COMPLETE, { input: { rolloutId: 'e2e-no-worker', itemId: 'x' } });
  expect(stalled.errors?.[0].extensions?.code).toBe('UNAVAILABLE');
  expect(stalled.errors?.[0].message).toMatch(/did not answer in time \(is a worker running\?\)/);
  expect(Date.now() - t0).toBeLessThan(25_000);

  await stack.startWorker();

  const done = await stack.gql(COMPLETE, { input: { rolloutId: 'e2e-restart', itemId: 'second' } }, 'carol');
  expect(done.errors).toBeUndefined();
  expect(done.data).toMatchObject({
    completeChecklistItem: {
      status: 'COMPLETED',
      phases: [
        {
          checklist: [
            { id: 'first', completedBy: 'bob' },
            { id: 'second', completedBy: 'carol' },
          ],
        },
      ],
    },
  });
  const handle = stack.env.client.workflow.getHandle(rolloutWorkflowId('e2e-restart'));
  expect((await handle.result()) as unknown).toMatchObject({ status: 'COMPLETED' });
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  expect(await auditActions('e2e-restart')).toEqual([
    'rollout.start:walking-skeleton:e2e',
    'checklist.complete:first:bob',
    'checklist.complete:second:carol',
    'rollout.complete:walking-skeleton:engine',
  ]);
});
