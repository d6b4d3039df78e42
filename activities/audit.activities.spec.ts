import { ApplicationFailure } from '@temporalio/common';
import { AuditLogService } from '../libs/persistence/src';
import { inActivity } from '../test/support/activity-env';
import { createActivityContext } from '../test/support/worker-context';

let ctx: Awaited<ReturnType<typeof createActivityContext>>;

beforeAll(async () => {
  ctx = await createActivityContext();
});
afterAll(() => ctx.close());

describe('recordAudit', () => {
  test('appends to the chain, stamped with the workflow’s time, once per activity however often it runs', async () => {
    const { recordAudit } = ctx.activities;
    const start = {
      rolloutId: 'audit-act',
      actor: 'alice',
      action: 'rollout.start',
      target: 'admin-panel',
      payload: { phases: 3 },
      at: '2026-11-23T08:00:00.000Z',
    };
    await inActivity('1', 'rollout-audit-act')(recordAudit, start);
    await inActivity('1', 'rollout-audit-act')(recordAudit, start); // a retry of the same activity
    await inActivity('2', 'rollout-audit-act')(recordAudit, {
      rolloutId: 'audit-act',
      actor: 'bob',
      action: 'gate.sign',
      target: 'go-live',
      payload: { reason: 'same person' },
      outcome: 'refused',
      at: '2026-11-23T09:00:00.000Z',
    });

    const rows = await ctx.auditRows('audit-act');
    expect(rows.map((r) => [r.action, r.actor, r.outcome, r.at.toISOString()])).toEqual([
      ['rollout.start', 'alice', 'accepted', '2026-11-23T08:00:00.000Z'],
      ['gate.sign', 'bob', 'refused', '2026-11-23T09:00:00.000Z'],
    ]);
    expect(rows[0].idempotencyKey).toBe('rollout-audit-act/run-1/1');
    expect(rows[1].prevHash).toBe(rows[0].hash);
    await expect(ctx.app.get(AuditLogService).verify()).resolves.toEqual({
      ok: true,
      count: 2,
      prunedSeq: 0,
    });
  });

  test('a record whose time is not a date fails for good, and writes nothing', async () => {
    const error = await inActivity('1', 'rollout-audit-bad-time')(ctx.activities.recordAudit, {
      rolloutId: 'audit-bad-time',
      actor: 'engine',
      action: 'rollout.start',
      target: 'admin-panel',
      payload: {},
      at: 'yesterday',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ nonRetryable: true, type: 'InvalidAuditRecord' });
    expect(await ctx.auditRows('audit-bad-time')).toEqual([]);
  });
});
