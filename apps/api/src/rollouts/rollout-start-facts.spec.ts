import { RolloutProjection } from '../../../../libs/persistence/src';
import type { RolloutPlan } from '../../../../libs/plan/src';
import { inActivity } from '../../../../test/support/activity-env';
import { createActivityContext } from '../../../../test/support/worker-context';
import type { ProjectionUpdate } from '../../../../activities/projection.activities';
import { RolloutStartFacts } from './rollout-start-facts';

// The API's start facts and the workflow's projection writes share a row: each writes only its own columns,
// so either may come first and the row ends the same.

let ctx: Awaited<ReturnType<typeof createActivityContext>>;
beforeAll(async () => {
  ctx = await createActivityContext();
});
afterAll(() => ctx.close());

const plan = {
  metadata: { name: 'merchant-platform', title: 'Merchant platform' },
  phases: [{ id: 'internal' }, { id: 'pilot' }, { id: 'ga' }],
} as unknown as RolloutPlan;

const facts = (rolloutId: string) => ({
  rolloutId,
  workflowId: `rollout-${rolloutId}`,
  plan,
  planVersionId: 'merchant-platform@3',
  planVersion: 3,
  startedBy: 'rita',
  title: 'Autumn launch',
});

const update = (rolloutId: string, version: number, currentPhase: string | null): ProjectionUpdate => ({
  rolloutId,
  workflowId: `rollout-${rolloutId}`,
  plan: 'merchant-platform',
  title: 'Merchant platform',
  status: 'RUNNING',
  currentPhase,
  startedAt: '2026-11-01T09:00:00.000Z',
  updatedAt: '2026-11-01T09:00:00.000Z',
  version,
});

const expected = (currentPhase: string, version: number) =>
  expect.objectContaining({
    startedBy: 'rita',
    rolloutTitle: 'Autumn launch',
    title: 'Merchant platform',
    planVersionId: 'merchant-platform@3',
    planVersion: 3,
    phaseIds: JSON.stringify(['internal', 'pilot', 'ga']),
    status: 'RUNNING',
    currentPhase,
    version,
  }) as unknown;

test.each([
  ['the API first', true],
  ['the workflow first', false],
])('%s: the row keeps both writers’ columns', async (_, apiFirst) => {
  const id = apiFirst ? 'api-first' : 'workflow-first';
  const start = new RolloutStartFacts(ctx.orm.em);
  const { updateProjection } = ctx.activities;
  if (apiFirst) await start.record(facts(id));
  await inActivity('1')(updateProjection, update(id, 1, 'internal'));
  if (!apiFirst) await start.record(facts(id));
  await inActivity('2')(updateProjection, update(id, 2, 'pilot'));
  const row = await ctx.orm.em.fork().findOneOrFail(RolloutProjection, { rolloutId: id });
  expect(row).toEqual(expected('pilot', 2));
});
