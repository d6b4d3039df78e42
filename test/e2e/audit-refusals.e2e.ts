import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { AuditEntry, loadPersistenceConfig, mikroOrmOptions } from '../../libs/persistence/src';
import { rolloutOperations } from '../support/rollout-operations';
import { startStack, type Stack } from '../support/stack';
import { subscribe } from '../support/subscription';
import { repoRoot } from '../support/temporal-tools';

// Issue 11, from the outside (the built API and worker, a Temporal dev server, SQLite): the surrogate request
// leaves `audit verify` OK; every refusal is audited, REST and subscriptions included; roles and users compare
// by one key (`Viewer` is a viewer, `Otto` is `otto`); /healthz is liveness, /readyz readiness.

jest.setTimeout(240_000);

let stack: Stack;
let orm: MikroORM;

beforeAll(async () => {
  stack = await startStack('audit-refusals');
  const options = mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: stack.databaseUrl }));
  orm = await MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
});

afterAll(async () => {
  await orm?.close();
  await stack?.stop();
});

const { START, COMPLETE, APPROVE } = rolloutOperations('id status');

/** Audit rows written after `afterSeq`, oldest first. */
const rowsAfter = (afterSeq: number) =>
  orm.em.fork().find(AuditEntry, { seq: { $gt: afterSeq } }, { orderBy: { seq: 'asc' } });
const lastSeq = async () =>
  (await orm.em.fork().findOne(AuditEntry, { seq: { $gt: 0 } }, { orderBy: { seq: 'desc' } }))?.seq ?? 0;

const verify = () =>
  spawnSync(process.execPath, ['dist/apps/cli/src/main.js', 'audit', 'verify'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, DATA_DIR: stack.dataDir, DATABASE_URL: stack.databaseUrl },
    encoding: 'utf8',
  });

test('the surrogate request: refused BAD_USER_INPUT (input is checked before the token), audited, and `audit verify` stays OK', async () => {
  const before = await lastSeq();
  // The request, byte for byte: a lone UTF-16 surrogate in itemId, escaped in the JSON text.
  const body = `{"query":"mutation M($input: CompleteChecklistItemInput!) { completeChecklistItem(input: $input) { id } }","variables":{"input":{"rolloutId":"no-such","itemId":"\\ud83d"}}}`;
  const res = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const answer = (await res.json()) as { errors: { extensions: { code: string } }[] };
  expect(answer.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  const [row] = await rowsAfter(before);
  expect(row).toMatchObject({
    actor: 'anonymous',
    action: 'api.completeChecklistItem',
    target: '\ufffd',
    outcome: 'refused',
    payload: { code: 'BAD_USER_INPUT', input: { itemId: '\ufffd' } },
  });
  const result = verify();
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  expect(result.stdout).toMatch(/^audit log OK: \d+ entr(y|ies)\n$/);
});

test('REST refusals are audited: POST /alerts/alertmanager without a token (401) and without the role (403)', async () => {
  const before = await lastSeq();
  const alert = { version: '4', status: 'firing', alerts: [] };
  const post = (token?: string) =>
    fetch(`${stack.apiUrl}/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(alert),
    });
  expect((await post()).status).toBe(401);
  expect((await post(await stack.token('vic', ['viewer']))).status).toBe(403);
  expect((await post(await stack.token('fin', ['finance']))).status).toBe(403);
  const rows = await rowsAfter(before);
  expect(rows.map((r) => [r.actor, r.action, r.outcome, r.payload.code, r.payload.status])).toEqual([
    ['anonymous', 'api.POST /alerts/alertmanager', 'refused', 'UNAUTHENTICATED', 401],
    ['vic', 'api.POST /alerts/alertmanager', 'refused', 'FORBIDDEN', 403],
    ['fin', 'api.POST /alerts/alertmanager', 'refused', 'FORBIDDEN', 403],
  ]);
  expect(rows[0].payload).toMatchObject({ via: 'rest', input: { body: alert } });
  // A path no route serves is not an operation: not audited.
  expect((await fetch(`${stack.apiUrl}/wp-admin`)).status).toBe(404);
  expect(await rowsAfter(rows.at(-1)!.seq)).toEqual([]);
});

test('subscription refusals are audited: rolloutEvents over graphql-ws without a token', async () => {
  const before = await lastSeq();
  const events = subscribe(
    stack.apiUrl,
    `subscription S($id: ID!) { rolloutEvents(rolloutId: $id) { action } }`,
    { id: 'some-rollout' },
    null,
  );
  await expect(events.done).rejects.toThrow(/UNAUTHENTICATED/);
  await events.close();
  const rows = await rowsAfter(before);
  expect(rows.map((r) => [r.actor, r.action, r.rolloutId, r.outcome, r.payload.code, r.payload.via])).toEqual(
    [['anonymous', 'api.rolloutEvents', 'some-rollout', 'refused', 'UNAUTHENTICATED', 'graphql-ws']],
  );
});

describe('roles and users compare by one key', () => {
  const rolloutId = 'names-1';
  const runbooks = 'incident-runbooks-reviewed-ops'; // an approval item of staging, for role ops
  let started = false;

  beforeAll(async () => {
    const markdown = readFileSync(join(repoRoot, 'examples/admin-panel.md'), 'utf8');
    const rita = { id: 'rita', roles: ['release-manager'] };
    const planVersionId = await stack.importPlan({ markdown, name: 'names-plan' }, rita);
    const start = await stack.gql(START, { input: { id: rolloutId, planVersionId } }, rita);
    expect(start.errors).toBeUndefined();
    started = true;
  });

  test('a token with role `Viewer` is a viewer: it may not complete an item (FORBIDDEN, audited)', async () => {
    expect(started).toBe(true);
    const before = await lastSeq();
    const input = { rolloutId, itemId: 'fixtures-loaded-data-fixtures-plan' };
    const r = await stack.gql(COMPLETE, { input }, { id: 'Vera', roles: ['Viewer'] });
    expect(r.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: 'vera is a viewer: viewers may read, not act',
    });
    const rows = await rowsAfter(before);
    expect(rows.map((e) => [e.actor, e.action, e.outcome, e.payload.code])).toEqual([
      ['vera', 'api.completeChecklistItem', 'refused', 'FORBIDDEN'],
    ]);
  });

  test('user `Otto` may not approve work done by `otto`; someone else may', async () => {
    const done = await stack.gql(
      COMPLETE,
      { input: { rolloutId, itemId: runbooks, note: 'read them' } },
      { id: 'otto', roles: ['ops'] },
    );
    expect(done.errors).toBeUndefined();
    const approve = (id: string, roles: string[]) =>
      stack.gql(APPROVE, { input: { rolloutId, itemId: runbooks } }, { id, roles });
    const refused = await approve('Otto', ['Ops']);
    expect(refused.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: `otto did the work of "${runbooks}" and may not also approve it`,
    });
    const other = await approve('Fiona', ['OPS']);
    expect(other.errors).toBeUndefined();
    const rows = await orm.em
      .fork()
      .find(AuditEntry, { rolloutId, target: runbooks }, { orderBy: { seq: 'asc' } });
    expect(rows.map((e) => [e.actor, e.action, e.outcome])).toEqual([
      ['otto', 'checklist.complete', 'accepted'],
      ['otto', 'api.approveChecklistItem', 'refused'],
      ['fiona', 'checklist.approve', 'accepted'],
    ]);
  });
});

test('/healthz is liveness, /readyz readiness: Temporal stopped gives /readyz 503 naming it, /healthz still ok', async () => {
  // Every refusal above (REST, graphql-ws, GraphQL, the surrogate one) left the chain sound.
  expect(verify()).toMatchObject({ status: 0, stderr: '' });
  const ready = await fetch(`${stack.apiUrl}/readyz`);
  expect([ready.status, await ready.json()]).toEqual([
    200,
    { ready: true, checks: { database: { ok: true }, temporal: { ok: true } } },
  ]);
  await stack.killWorker();
  await stack.stopTemporal(); // the Temporal server goes away
  const notReady = await fetch(`${stack.apiUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
  expect(notReady.status).toBe(503);
  expect(await notReady.json()).toMatchObject({
    ready: false,
    checks: {
      database: { ok: true },
      temporal: { ok: false, error: expect.stringMatching(/^not reachable/) as unknown },
    },
  });
  const t0 = Date.now();
  const health = await fetch(`${stack.apiUrl}/healthz`);
  expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
  expect(Date.now() - t0).toBeLessThan(2_000);
});
