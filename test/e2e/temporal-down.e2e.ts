import { MikroORM } from '@mikro-orm/core';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mikroOrmOptions, RolloutProjection } from '../../libs/persistence/src';
import { type GqlResponse, startStack, type Stack } from '../support/stack';

// With the Temporal server stopped, every read and action that needs a workflow answers UNAVAILABLE within
// API_ACTION_TIMEOUT_MS (not INTERNAL_SERVER_ERROR after the client's own ~20 s of retries); the list of
// rollouts is read from the database alone and still answers. Once the server is back, everything works.

const ACTION_TIMEOUT_MS = 4_000;
// What the answer may take beyond the deadline: the HTTP round trip and the error's mapping, on a busy machine.
const SLACK_MS = 2_000;
jest.setTimeout(300_000);

const PLAN = `apiVersion: rollout/v1
kind: RolloutPlan
metadata:
  name: down
phases:
  - id: first
    name: First
    checklist:
      - { id: one, title: One, kind: manual }
      - { id: two, title: Two, kind: manual }
      - { id: three, title: Three, kind: manual }
  - id: second
    name: Second
    checklist:
      - { id: four, title: Four, kind: manual }
`;

let stack: Stack;
let orm: MikroORM;
let planVersionId: string;

beforeAll(async () => {
  stack = await startStack('temporal-down', {
    actionTimeoutMs: ACTION_TIMEOUT_MS,
    restartableTemporal: true,
  });
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
const LIST = `query { rollouts(first: 50) { edges { node { id status } } } }`;
const mutation = (name: string, input: string) =>
  `mutation M($input: ${input}!) { ${name}(input: $input) { id status } }`;
const COMPLETE = mutation('completeChecklistItem', 'CompleteChecklistItemInput');

async function timed<T>(send: () => Promise<GqlResponse<T>>): Promise<{ res: GqlResponse<T>; ms: number }> {
  const t0 = performance.now();
  const res = await send();
  return { res, ms: performance.now() - t0 };
}

test('Temporal stopped: reads and actions answer UNAVAILABLE within the deadline; back up, they work again', async () => {
  const started = await stack.gql(START, { input: { planVersionId, id: 'down-1' } });
  expect(started.errors).toBeUndefined();
  expect(
    (await stack.gql(COMPLETE, { input: { rolloutId: 'down-1', itemId: 'one' } })).errors,
  ).toBeUndefined();

  await stack.stopTemporal();

  const operations: [string, string, Record<string, unknown>][] = [
    ['rollout', ROLLOUT, { id: 'down-1' }],
    ['completeChecklistItem', COMPLETE, { input: { rolloutId: 'down-1', itemId: 'two' } }],
    [
      'signOffGate',
      mutation('signOffGate', 'SignOffGateInput'),
      { input: { rolloutId: 'down-1', phaseId: 'first' } },
    ],
    ['pauseRollout', mutation('pauseRollout', 'PauseRolloutInput'), { input: { rolloutId: 'down-1' } }],
    ['resumeRollout', mutation('resumeRollout', 'RolloutRefInput'), { input: { rolloutId: 'down-1' } }],
    [
      'triggerRollback',
      mutation('triggerRollback', 'TriggerRollbackInput'),
      { input: { rolloutId: 'down-1', reason: 'test' } },
    ],
    ['startRollout', START, { input: { planVersionId, id: 'down-2' } }],
  ];
  const answers: Record<string, { code?: string; inTime: boolean }> = {};
  for (const [name, query, variables] of operations) {
    const { res, ms } = await timed(() => stack.gql(query, variables));
    answers[name] = { code: res.errors?.[0]?.extensions?.code, inTime: ms < ACTION_TIMEOUT_MS + SLACK_MS };
    if (!answers[name].inTime) console.log(`${name} answered after ${Math.round(ms)} ms`);
  }
  expect(answers).toEqual(
    Object.fromEntries(operations.map(([name]) => [name, { code: 'UNAVAILABLE', inTime: true }])),
  );
  // The list is the database's projection: it answers without Temporal (and lists no down-2).
  const list = await stack.gql<{ rollouts: { edges: { node: { id: string } }[] } }>(LIST);
  expect(list.errors).toBeUndefined();
  expect(list.data!.rollouts.edges.map((e) => e.node.id)).toEqual(['down-1']);
  expect(await orm.em.fork().count(RolloutProjection, { rolloutId: 'down-2' })).toBe(0);

  await stack.startTemporal();
  // The worker and the API reconnect by themselves; wait (boundedly) for the rollout to answer again.
  const deadline = Date.now() + 120_000;
  let back: GqlResponse<{ rollout: { status: string } }> | undefined;
  while (Date.now() < deadline) {
    back = await stack.gql(ROLLOUT, { id: 'down-1' });
    if (!back.errors) break;
    await sleep(500);
  }
  expect(back?.errors).toBeUndefined();
  // No action taken while the server was down took effect: the second item is still open.
  const done = await stack.gql(COMPLETE, { input: { rolloutId: 'down-1', itemId: 'two' } });
  expect(done.errors).toBeUndefined();
  const again = await stack.gql<{ startRollout: { id: string } }>(START, {
    input: { planVersionId, id: 'down-2' },
  });
  expect(again.errors).toBeUndefined();
  expect(again.data!.startRollout.id).toBe('down-2');
});
