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
import { subscribe } from '../support/subscription';
import { rolloutOperations } from '../support/rollout-operations';

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
    const planVersionId = await stack.importPlan({ markdown, name: 'merchant-platform' }, rita);

    const id = 'pg-merchant';
    // Watching its events from before it starts: the moment it waits for its sign-off, the gate is signed.
    const events = subscribe<{ rolloutEvents: { action: string; target: string; payloadJson: string } }>(
      stack.apiUrl,
      `subscription E($id: ID!) { rolloutEvents(rolloutId: $id) { action target payloadJson } }`,
      { id },
      await stack.token('vera', ['viewer']),
    );
    const started = await stack.gql<{ startRollout: RolloutView }>(
      START,
      { input: { id, planVersionId, title: 'E2E on PostgreSQL', parameters: { timeScale: 1e-6 } } },
      rita,
    );
    expect(started.errors).toBeUndefined();
    const [first, second] = started.data!.startRollout.phases.map((p) => p.id);
    // The answer names the first phase once its workflow runs: the items go to it at once.
    expect(started.data!.startRollout.currentPhase).toBe(first);
    const inFirst = started.data!.startRollout.phases.find((p) => p.id === first)!;
    expect(inFirst.status).toBe('RUNNING');
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
    // The soak is a few ms of real time: signed the moment the rollout reports only the sign-off left.
    await events.when(
      (e) =>
        e.rolloutEvents.action === 'rollout.transition' &&
        e.rolloutEvents.target === 'WAITING_FOR_SIGN_OFF' &&
        (JSON.parse(e.rolloutEvents.payloadJson) as { phase?: string }).phase === first,
      `${id} waiting for the sign-off of ${first}`,
    );
    await events.close();
    const signed = await stack.gql<{ signOffGate: RolloutView }>(
      SIGN,
      { input: { rolloutId: id, phaseId: first, note: 'go' } },
      rita,
    );
    expect(signed.errors).toBeUndefined();
    expect(signed.data!.signOffGate.currentPhase).toBe(second);
    expect((await read(id)).currentPhase).toBe(second);

    await withOrm(async (orm) => {
      const em = orm.em.fork();
      const rows = (await em.getConnection().execute('select current_database() as db')) as { db: string }[];
      expect(rows[0].db).toBe(new URL(stack.databaseUrl).pathname.slice(1));

      const version = await em.findOneOrFail(PlanVersion, { id: planVersionId });
      expect(version).toMatchObject({ name: 'merchant-platform', createdBy: 'rita' });

      // The projection follows the workflow (written at each transition, before the answer names it).
      const projection = await orm.em.fork().findOneOrFail(RolloutProjection, { rolloutId: id });
      expect(projection.currentPhase).toBe(second);
      expect(projection).toMatchObject({
        plan: 'merchant-platform',
        status: 'RUNNING',
        workflowId: `rollout-${id}`,
      });

      // Accepted actions are audited before they answer.
      const audit = await orm.em.fork().find(AuditEntry, { rolloutId: id }, { orderBy: { seq: 'asc' } });
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
