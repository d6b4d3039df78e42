import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import {
  AuditEntry,
  AuditLogService,
  loadPersistenceConfig,
  mikroOrmOptions,
  PlanVersion,
  RolloutProjection,
} from '../../libs/persistence/src';
import { testDatabaseUrl } from '../support/postgres';
import { startStack, type Stack } from '../support/stack';
import { repoRoot } from '../support/temporal-tools';
import { until as waitUntil } from '../support/wait';
import { IMPORT_PLAN, rolloutOperations } from '../support/rollout-operations';

// The product on PostgreSQL: the built API and worker share a database of their own on the test run's
// server (see test/support/postgres-global.ts). A plan is imported and a rollout driven through its first
// phase over GraphQL; then the rows are read back from PostgreSQL and the audit chain is verified.

jest.setTimeout(180_000);

const ROLLOUT_FIELDS = /* GraphQL */ `
  id
  status
  currentPhase
  phases {
    id
    status
    checklist {
      id
      kind
      status
    }
  }
`;

interface RolloutView {
  id: string;
  status: string;
  currentPhase?: string;
  phases: { id: string; status: string; checklist: { id: string; kind: string; status: string }[] }[];
}

const { START, ROLLOUT, COMPLETE, APPROVE, SIGN } = rolloutOperations(ROLLOUT_FIELDS);

const olga = { id: 'olga', roles: ['operator'] };
const rita = { id: 'rita', roles: ['release-manager'] };

let stack: Stack;

/** Polls until `check` returns a value (errors count as "not yet"), or fails naming what never happened. */
const until = <T>(what: string, check: () => Promise<T | undefined>, ms = 45_000) =>
  waitUntil(what, check, { timeoutMs: ms, explain: () => stack.workerOutput().slice(-2000) });

async function read(id: string): Promise<RolloutView> {
  const r = await stack.gql<{ rollout: RolloutView }>(ROLLOUT, { id }, olga);
  if (r.errors) throw new Error(JSON.stringify(r.errors[0]));
  return r.data!.rollout;
}

/** The database the API and worker share, opened as they open it. */
async function withOrm<T>(fn: (orm: MikroORM) => Promise<T>): Promise<T> {
  const options = mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: stack.databaseUrl }));
  const orm = await MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
  try {
    return await fn(orm);
  } finally {
    await orm.close();
  }
}

// PostgreSQL when the run has a server (CI always does: REQUIRE_POSTGRES=1 makes its absence a failure).
(testDatabaseUrl() ? describe : describe.skip)('on PostgreSQL', () => {
  beforeAll(async () => {
    stack = await startStack('postgres', { database: 'postgresql' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  test('an imported plan and a rollout through its first phase land in PostgreSQL, audit chain intact', async () => {
    expect(stack.database).toBe('postgresql');
    expect(loadPersistenceConfig({ DATABASE_URL: stack.databaseUrl }).driver).toBe('postgresql');

    const markdown = readFileSync(join(repoRoot, 'examples/merchant-platform.md'), 'utf8');
    const imported = await stack.gql<{ importPlan: { planVersion: { id: string } } }>(
      IMPORT_PLAN,
      { input: { markdown, name: 'merchant-platform' } },
      rita,
    );
    expect(imported.errors).toBeUndefined();
    const planVersionId = imported.data!.importPlan.planVersion.id;

    const id = 'pg-merchant';
    const started = await stack.gql<{ startRollout: RolloutView }>(
      START,
      { input: { id, planVersionId, title: 'E2E on PostgreSQL', parameters: { timeScale: 1e-6 } } },
      rita,
    );
    expect(started.errors).toBeUndefined();
    const [first, second] = started.data!.startRollout.phases.map((p) => p.id);

    const inFirst = await until(`${id} in phase ${first}`, async () => {
      const r = await read(id);
      const phase = r.phases.find((p) => p.id === first);
      return r.currentPhase === first && phase?.status === 'RUNNING' && phase.checklist.length
        ? phase
        : undefined;
    });
    const items = inFirst.checklist.filter((i) => i.status === 'OPEN' && i.kind !== 'sustained');
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      const input = {
        rolloutId: id,
        itemId: item.id,
        phaseId: first,
        note: 'done',
        evidence: 'https://ci/1',
      };
      const done = await stack.gql(COMPLETE, { input }, olga);
      expect(done.errors).toBeUndefined();
      if (item.kind === 'approval') {
        const approved = await stack.gql(APPROVE, { input: { rolloutId: id, itemId: item.id } }, rita);
        expect(approved.errors).toBeUndefined();
      }
    }
    // The soak is a few ms of real time; a sign-off refused as early is tried again.
    await until(`gate of ${first}`, async () => {
      const r = await stack.gql(SIGN, { input: { rolloutId: id, phaseId: first, note: 'go' } }, rita);
      if (r.errors) throw new Error(JSON.stringify(r.errors[0]));
      return true;
    });
    await until(`${id} in phase ${second}`, async () =>
      (await read(id)).currentPhase === second ? true : undefined,
    );

    await withOrm(async (orm) => {
      const em = orm.em.fork();
      const rows = (await em.getConnection().execute('select current_database() as db')) as { db: string }[];
      expect(rows[0].db).toBe(new URL(stack.databaseUrl).pathname.slice(1));

      const version = await em.findOneOrFail(PlanVersion, { id: planVersionId });
      expect(version).toMatchObject({ name: 'merchant-platform', createdBy: 'rita' });

      // The projection follows the workflow (an activity writes it at each transition).
      const projection = await until('the projection in the second phase', async () => {
        const row = await orm.em.fork().findOne(RolloutProjection, { rolloutId: id });
        return row?.currentPhase === second ? row : undefined;
      });
      expect(projection).toMatchObject({
        plan: 'merchant-platform',
        status: 'RUNNING',
        workflowId: `rollout-${id}`,
      });

      const audit = await until('the gate sign-off in the audit log', async () => {
        const rows = await orm.em.fork().find(AuditEntry, { rolloutId: id }, { orderBy: { seq: 'asc' } });
        return rows.some((r) => r.action === 'gate.sign' && r.outcome !== 'refused') ? rows : undefined;
      });
      const accepted = audit
        .filter((r) => r.outcome !== 'refused')
        .map((r) => `${r.action}:${r.target}:${r.actor}`);
      expect(accepted).toEqual(
        expect.arrayContaining([
          'rollout.transition:RUNNING:rita',
          ...items.map((i) => `checklist.complete:${i.id}:olga`),
          `gate.sign:${first}:rita`,
        ]),
      );
      const total = await orm.em.fork().count(AuditEntry, {});
      await expect(new AuditLogService(orm).verify()).resolves.toEqual({
        ok: true,
        count: total,
        prunedSeq: 0,
      });
    });

    // And as an operator would check it: the CLI, pointed at the same database.
    const cli = spawnSync(process.execPath, ['dist/apps/cli/src/main.js', 'audit', 'verify'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DATABASE_URL: stack.databaseUrl },
      timeout: 60_000,
    });
    expect({ status: cli.status, stderr: cli.stderr }).toEqual({ status: 0, stderr: '' });
    expect(cli.stdout).toMatch(/^audit log OK: \d+ entries/);
  });
});
