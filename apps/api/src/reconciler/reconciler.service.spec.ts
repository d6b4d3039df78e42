import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MikroORM } from '@mikro-orm/core';
import {
  AuditEntry,
  AuditLogService,
  PersistenceModule,
  RolloutProjection,
} from '../../../../libs/persistence/src';
import type { ExecutionFacts } from './reconcile';
import { RECONCILER_CONFIG, type ReconcilerConfig } from './reconciler.config';
import { ReconcilerService } from './reconciler.service';
import { RECONCILER_TEMPORAL, type ReconcilerTemporal } from './reconciler.temporal';

/** Temporal as the reconciler sees it: each workflow's latest run, and whether it is reachable at all. */
class FakeTemporal implements ReconcilerTemporal {
  runs = new Map<string, ExecutionFacts>();
  down = false;
  queries: string[][] = [];
  described: string[] = [];

  endedOutside(ids: readonly string[]): Promise<Set<string>> {
    if (this.down) return Promise.reject(new Error('14 UNAVAILABLE: connection refused'));
    this.queries.push([...ids]);
    const ended = ids.filter((id) => ['TERMINATED', 'TIMED_OUT'].includes(this.runs.get(id)?.status ?? ''));
    return Promise.resolve(new Set(ended));
  }

  describe(id: string): Promise<ExecutionFacts | undefined> {
    if (this.down) return Promise.reject(new Error('14 UNAVAILABLE: connection refused'));
    this.described.push(id);
    return Promise.resolve(this.runs.get(id));
  }
}

// Each test migrates a fresh SQLite file (two, for two instances): seconds on a busy machine.
jest.setTimeout(60_000);

const config: ReconcilerConfig = { intervalMs: 0, maxRowsPerTick: 5, pageSize: 2, temporalDeadlineMs: 1_000 };
const closeTime = new Date('2026-12-01T09:00:00.000Z');
let dir: string;
let temporal: FakeTemporal;
let apps: INestApplicationContext[];

async function instance(settings: ReconcilerConfig = config): Promise<{
  app: INestApplicationContext;
  reconciler: ReconcilerService;
  orm: MikroORM;
}> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      PersistenceModule.forRoot({ driver: 'sqlite', file: join(dir, 'rollouts.sqlite'), debug: false }),
    ],
    providers: [
      { provide: RECONCILER_CONFIG, useValue: settings },
      { provide: RECONCILER_TEMPORAL, useValue: temporal },
      ReconcilerService,
    ],
  }).compile();
  const app = await moduleRef.init();
  apps.push(app);
  return { app, reconciler: app.get(ReconcilerService), orm: app.get(MikroORM) };
}

async function addRow(orm: MikroORM, rolloutId: string, status: string, version = 3): Promise<void> {
  const em = orm.em.fork();
  em.create(RolloutProjection, {
    rolloutId,
    workflowId: `rollout-${rolloutId}`,
    plan: 'p',
    status,
    startedAt: new Date('2026-11-01T09:00:00.000Z'),
    updatedAt: new Date('2026-11-01T09:00:00.000Z'),
    version,
  });
  await em.flush();
}

const terminate = (rolloutId: string, status = 'TERMINATED') =>
  temporal.runs.set(`rollout-${rolloutId}`, { runId: `run-${rolloutId}`, status, closeTime });

const rows = async (orm: MikroORM) =>
  (await orm.em.fork().find(RolloutProjection, {}, { orderBy: { rolloutId: 'asc' } })).map((r) => [
    r.rolloutId,
    r.status,
  ]);
const audits = async (orm: MikroORM) =>
  (await orm.em.fork().find(AuditEntry, {}, { orderBy: { seq: 'asc' } })).map((e) => [
    e.rolloutId,
    e.actor,
    e.action,
    e.target,
    e.payload.temporalStatus,
  ]);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reconciler-'));
  temporal = new FakeTemporal();
  apps = [];
});
afterEach(async () => {
  for (const app of apps) await app.close();
  rmSync(dir, { recursive: true, force: true });
});

test('marks the open rollouts Temporal terminated or timed out, once, audited as Temporal, paging through open rows', async () => {
  const { reconciler, orm } = await instance();
  for (const [id, status] of [
    ['a', 'RUNNING'],
    ['b', 'WAITING_FOR_SIGN_OFF'],
    ['c', 'COMPLETED'],
    ['d', 'ROLLBACK_FAILED'],
    ['e', 'PAUSED'],
  ])
    await addRow(orm, id, status);
  terminate('b');
  terminate('c'); // closed by the engine first: its row is not open
  terminate('d', 'TIMED_OUT');
  temporal.runs.set('rollout-e', { runId: 'run-e', status: 'RUNNING' });

  const report = await reconciler.tick();
  expect(report).toEqual({ checked: 4, terminated: ['b', 'd'] });
  // Two pages of open rows, one visibility query each; only the hits described.
  expect(temporal.queries).toEqual([
    ['rollout-a', 'rollout-b'],
    ['rollout-d', 'rollout-e'],
  ]);
  expect(temporal.described).toEqual(['rollout-b', 'rollout-d']);
  expect(await rows(orm)).toEqual([
    ['a', 'RUNNING'],
    ['b', 'TERMINATED'],
    ['c', 'COMPLETED'],
    ['d', 'TERMINATED'],
    ['e', 'PAUSED'],
  ]);
  const b = await orm.em.fork().findOneOrFail(RolloutProjection, { rolloutId: 'b' });
  expect(b.completedAt).toEqual(closeTime);
  expect(await audits(orm)).toEqual([
    ['b', 'temporal', 'rollout.transition', 'TERMINATED', 'TERMINATED'],
    ['d', 'temporal', 'rollout.transition', 'TERMINATED', 'TIMED_OUT'],
  ]);

  // Idempotent: the next tick finds nothing more to do.
  expect(await reconciler.tick()).toEqual({ checked: 2, terminated: [] });
  expect(await audits(orm)).toHaveLength(2);
  expect(await new AuditLogService(orm).verify()).toMatchObject({ ok: true, count: 2 });
});

test('bounded work per tick: the next tick goes on from where the last one stopped', async () => {
  const { reconciler, orm } = await instance();
  for (const id of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']) await addRow(orm, id, 'RUNNING');
  terminate('r7');
  expect(await reconciler.tick()).toEqual({ checked: 5, terminated: [] });
  expect(await reconciler.tick()).toEqual({ checked: 2, terminated: ['r7'] });
  // Then from the start again.
  expect(await reconciler.tick()).toEqual({ checked: 5, terminated: [] });
});

test('Temporal down: the tick stops, says why, changes nothing; the next tick after it is back does the work', async () => {
  const { reconciler, orm } = await instance();
  await addRow(orm, 'a', 'RUNNING');
  terminate('a');
  temporal.down = true;
  expect(await reconciler.tick()).toEqual({
    checked: 1,
    terminated: [],
    error: '14 UNAVAILABLE: connection refused',
  });
  expect(await rows(orm)).toEqual([['a', 'RUNNING']]);
  temporal.down = false;
  expect(await reconciler.tick()).toEqual({ checked: 1, terminated: ['a'] });
});

test('two API instances at once: the row is marked and audited once', async () => {
  const first = await instance();
  const second = await instance();
  for (const id of ['a', 'b', 'c']) await addRow(first.orm, id, 'RUNNING');
  for (const id of ['a', 'b', 'c']) terminate(id);
  const [x, y] = await Promise.all([first.reconciler.tick(), second.reconciler.tick()]);
  expect([...x.terminated, ...y.terminated].sort()).toEqual(['a', 'b', 'c']);
  expect(await audits(first.orm)).toHaveLength(3);
});

test('a row the workflow moved on since it was read is not overwritten', async () => {
  const { reconciler, orm } = await instance();
  await addRow(orm, 'a', 'RUNNING', 3);
  terminate('a');
  // The workflow's last write lands between the read and the update: the update, conditional, misses.
  const original = temporal.describe.bind(temporal);
  temporal.describe = async (id) => {
    await orm.em.fork().nativeUpdate(RolloutProjection, { rolloutId: 'a' }, { status: 'PAUSED', version: 4 });
    return original(id);
  };
  expect(await reconciler.tick()).toEqual({ checked: 1, terminated: [] });
  expect(await audits(orm)).toEqual([]);
  temporal.describe = original;
  expect(await reconciler.tick()).toEqual({ checked: 1, terminated: ['a'] });
  expect((await orm.em.fork().findOneOrFail(RolloutProjection, { rolloutId: 'a' })).version).toBe(
    2 ** 31 - 1,
  );
});

test('on its own: ticks one at a time, never overlapping, and stops with the application', async () => {
  const { app, reconciler, orm } = await instance({ ...config, intervalMs: 5 });
  await addRow(orm, 'a', 'RUNNING');
  let inFlight = 0;
  let most = 0;
  const original = temporal.endedOutside.bind(temporal);
  temporal.endedOutside = async (ids) => {
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setTimeout(r, 50)); // slower than the interval
    inFlight -= 1;
    return original(ids);
  };
  const tick = jest.spyOn(reconciler, 'tick');
  await until(() => temporal.queries.length >= 3);
  await app.close();
  apps = apps.filter((x) => x !== app);
  const ticks = tick.mock.calls.length;
  expect(most).toBe(1);
  expect(inFlight).toBe(0); // the tick in progress finished before close resolved
  await new Promise((r) => setTimeout(r, 100));
  expect(tick.mock.calls.length).toBe(ticks);
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('not within 30 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
