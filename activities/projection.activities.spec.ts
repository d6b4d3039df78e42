import { RolloutProjection } from '../libs/persistence/src';
import { inActivity } from '../test/support/activity-env';
import { createActivityContext } from '../test/support/worker-context';
import type { ProjectionUpdate } from './projection.activities';

let ctx: Awaited<ReturnType<typeof createActivityContext>>;

beforeAll(async () => {
  ctx = await createActivityContext();
});
afterAll(() => ctx.close());

const row = (rolloutId: string) => ctx.orm.em.fork().findOneOrFail(RolloutProjection, { rolloutId });

const started: ProjectionUpdate = {
  rolloutId: 'merchant-launch',
  workflowId: 'rollout-merchant-launch',
  plan: 'merchant-platform',
  planVersion: 3,
  title: 'Merchant platform launch',
  status: 'RUNNING',
  currentPhase: 'internal',
  startedAt: '2026-11-01T09:00:00.000Z',
  updatedAt: '2026-11-01T09:00:00.000Z',
  version: 1,
};

describe('updateProjection', () => {
  test('inserts the row, then follows newer updates and ignores older or repeated ones', async () => {
    const { updateProjection } = ctx.activities;
    await expect(inActivity('1')(updateProjection, started)).resolves.toEqual({ applied: true });

    const completed = {
      ...started,
      status: 'COMPLETED',
      currentPhase: null,
      updatedAt: '2026-12-01T09:00:00.000Z',
      completedAt: '2026-12-01T09:00:00.000Z',
      version: 7,
    };
    await expect(inActivity('2')(updateProjection, completed)).resolves.toEqual({ applied: true });
    // An update sent earlier (phase 2 entered) arrives late: the row stays where it is.
    const late = { ...started, currentPhase: 'pilot', updatedAt: '2026-11-08T09:00:00.000Z', version: 4 };
    await expect(inActivity('3')(updateProjection, late)).resolves.toEqual({ applied: false });
    await expect(inActivity('2')(updateProjection, completed)).resolves.toEqual({ applied: false });

    expect(await row('merchant-launch')).toEqual(
      expect.objectContaining({
        workflowId: 'rollout-merchant-launch',
        plan: 'merchant-platform',
        planVersion: 3,
        title: 'Merchant platform launch',
        status: 'COMPLETED',
        currentPhase: null,
        startedAt: new Date('2026-11-01T09:00:00.000Z'),
        updatedAt: new Date('2026-12-01T09:00:00.000Z'),
        completedAt: new Date('2026-12-01T09:00:00.000Z'),
        version: 7,
      }),
    );
  });

  test('optional fields may be absent', async () => {
    const minimal = {
      ...started,
      rolloutId: 'bare',
      planVersion: undefined,
      title: undefined,
      currentPhase: undefined,
    };
    await inActivity('4')(ctx.activities.updateProjection, minimal);
    expect(await row('bare')).toMatchObject({
      planVersion: null,
      title: null,
      currentPhase: null,
      completedAt: null,
    });
  });
});
