import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { verifyToken } from '../../../libs/auth/src';
import { PlanVersion } from '../../../libs/persistence/src/entities/plan-version.entity';
import { mikroOrmOptions } from '../../../libs/persistence/src/mikro-orm.config';
import { EXIT, main } from './main';

// `token create` names users and roles by their key (one normalisation, libs/auth/src/names.ts), and refuses
// roles that neither the product nor any imported plan knows.

const secret = 's'.repeat(32);
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'token-roles-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const env = { DATA_DIR: dataDir, AUTH_JWT_SECRET: secret };
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

/** The product's database with one imported plan version whose items name these roles. */
async function withPlan(roles: string[]): Promise<void> {
  const options = mikroOrmOptions({ driver: 'sqlite', file: join(dataDir, 'rollouts.sqlite'), debug: false });
  const orm = await MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
  try {
    await orm.getMigrator().up();
    const em = orm.em.fork();
    em.create(PlanVersion, {
      id: 'launch@1',
      name: 'launch',
      version: 1,
      format: 'yaml',
      source: '…',
      plan: { phases: [{ id: 'p1', checklist: [{ id: 'sign', kind: 'approval', roles }] }] },
      digest: 'd'.repeat(64),
      createdBy: 'test',
      report: null,
      changes: [],
      createdAt: new Date(),
    });
    await em.flush();
  } finally {
    await orm.close();
  }
}

test('the product’s roles need no database; names are folded: `Otto`, `Viewer` give otto, viewer', async () => {
  const { code, stdout, stderr } = await run(
    'token',
    'create',
    '--user',
    ' Otto ',
    '--roles',
    'Viewer,viewer',
  );
  expect({ code, stderr }).toEqual({ code: EXIT.OK, stderr: '' });
  await expect(verifyToken(secret, stdout.trim())).resolves.toEqual({ user: 'otto', roles: ['viewer'] });
});

test('a misspelt role is refused, exit 2, listing the unknown ones and what is known; no token', async () => {
  await withPlan(['Finance Lead']);
  const { code, stdout, stderr } = await run(
    'token',
    'create',
    '--user',
    'alice',
    '--roles',
    'release-manger,operator,finanse',
  );
  expect([code, stdout]).toEqual([EXIT.USAGE, '']);
  expect(stderr).toContain('error: unknown roles: release-manger, finanse\n');
  expect(stderr).toContain(
    'known roles: admin, release-manager, operator, viewer, flag-reader, finance-lead',
  );
});

test('a role an imported plan names is accepted, however it is cased or spaced', async () => {
  await withPlan(['Finance Lead']);
  const { code, stdout, stderr } = await run(
    'token',
    'create',
    '--user',
    'bob',
    '--roles',
    'finance_lead,ADMIN',
  );
  expect({ code, stderr }).toEqual({ code: EXIT.OK, stderr: '' });
  await expect(verifyToken(secret, stdout.trim())).resolves.toEqual({
    user: 'bob',
    roles: ['finance-lead', 'admin'],
  });
});

test('a role beyond the product’s with no database to read the plans from: exit 2, no token', async () => {
  const { code, stdout, stderr } = await run('token', 'create', '--user', 'bob', '--roles', 'finance');
  expect([code, stdout]).toEqual([EXIT.USAGE, '']);
  expect(stderr).toContain('no database at');
});
