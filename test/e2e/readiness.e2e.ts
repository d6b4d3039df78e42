import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rolloutOperations } from '../support/rollout-operations';
import { testDatabaseUrl } from '../support/postgres';
import { startStack, type Stack } from '../support/stack';
import { repoRoot } from '../support/temporal-tools';

// Issue 11: "/healthz answers ok while the database is read-only", and an action whose audit entry cannot be
// written must not be carried out. On PostgreSQL (the built API and worker, a Temporal dev server): the
// API's database is made read-only for real (new sessions default to read-only transactions, the open ones
// are closed), then writable again. And refusals carrying text PostgreSQL cannot store (a lone surrogate, NUL)
// are audited all the same, the chain sound.

jest.setTimeout(240_000);

const pg = () =>
  createRequire(require.resolve('@mikro-orm/postgresql'))('pg') as {
    Client: new (options: { connectionString: string }) => {
      connect(): Promise<void>;
      query(sql: string): Promise<unknown>;
      end(): Promise<void>;
    };
  };

const run = testDatabaseUrl() ? describe : describe.skip;

run('readiness and actions with the database read-only (PostgreSQL)', () => {
  let stack: Stack;
  const rolloutId = 'ro-1';
  const item = 'fixtures-loaded-data-fixtures-plan'; // a manual item of admin-panel's staging phase
  const { START, COMPLETE, ROLLOUT } = rolloutOperations('id status phases { id checklist { id status } }');

  beforeAll(async () => {
    stack = await startStack('readiness', { database: 'postgresql' });
  });
  afterAll(async () => {
    await readOnly(false).catch(() => undefined);
    await stack?.stop();
  });

  /** Sets the stack's database read-only (or not) for every session, and closes the open ones. */
  async function readOnly(on: boolean): Promise<void> {
    const database = decodeURIComponent(new URL(stack.databaseUrl).pathname.slice(1));
    const client = new (pg().Client)({ connectionString: testDatabaseUrl()! });
    await client.connect();
    try {
      const ident = `"${database.replace(/"/g, '""')}"`;
      await client.query(
        on
          ? `alter database ${ident} set default_transaction_read_only = on`
          : `alter database ${ident} reset default_transaction_read_only`,
      );
      await client.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${database.replace(/'/g, "''")}' and pid <> pg_backend_pid()`,
      );
    } finally {
      await client.end();
    }
  }

  async function readyz(): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${stack.apiUrl}/readyz`, { signal: AbortSignal.timeout(15_000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Asks until `check` holds (the API's pool reconnects in its own time); generous deadline, no fixed sleep. */
  async function until<T>(what: string, probe: () => Promise<T>, check: (v: T) => boolean): Promise<T> {
    const deadline = Date.now() + 60_000;
    let last: T | undefined;
    while (Date.now() < deadline) {
      last = await probe().catch(() => undefined);
      if (last !== undefined && check(last)) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${what}: last ${JSON.stringify(last)}`);
  }

  const statusOf = async () => {
    const r = await stack.gql<{
      rollout: { phases: { id: string; checklist: { id: string; status: string }[] }[] };
    }>(ROLLOUT, { id: rolloutId });
    return r.data!.rollout.phases[0].checklist.find((i) => i.id === item)!.status;
  };

  test('refusals carrying a lone surrogate or a NUL are audited on PostgreSQL too, with U+FFFD where they were', async () => {
    for (const escaped of ['\\ud83d', '\\u0000']) {
      // The request, as its JSON text carries it: refused for its input (checked before the token).
      const body = `{"query":"mutation M($input: CompleteChecklistItemInput!) { completeChecklistItem(input: $input) { id } }","variables":{"input":{"rolloutId":"pg-no-such","itemId":"${escaped}"}}}`;
      const res = await fetch(`${stack.apiUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const answer = (await res.json()) as { errors: { extensions: { code: string } }[] };
      expect(answer.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    const refused = await stack.gql<{ auditLog: { edges: { node: { target: string; outcome: string } }[] } }>(
      `query { auditLog(rolloutId: "pg-no-such", first: 10) { edges { node { target outcome } } } }`,
    );
    expect(refused.errors).toBeUndefined();
    expect(refused.data!.auditLog.edges.map((e) => e.node)).toEqual([
      { target: '\ufffd', outcome: 'refused' },
      { target: '\ufffd', outcome: 'refused' },
    ]);
  });

  test('/readyz is 503 naming the database while it is read-only, and an action is refused UNAVAILABLE, changing nothing', async () => {
    const rita = { id: 'rita', roles: ['release-manager'] };
    const markdown = readFileSync(join(repoRoot, 'examples/admin-panel.md'), 'utf8');
    const planVersionId = await stack.importPlan({ markdown, name: 'admin-panel' }, rita);
    expect(
      (await stack.gql(START, { input: { id: rolloutId, planVersionId } }, rita)).errors,
    ).toBeUndefined();
    expect(await readyz()).toEqual({
      status: 200,
      body: { ready: true, checks: { database: { ok: true }, temporal: { ok: true } } },
    });

    await readOnly(true);
    const down = await until('/readyz 503', readyz, (r) => r.status === 503);
    expect(down.body).toMatchObject({
      ready: false,
      checks: {
        database: { ok: false, error: expect.stringMatching(/read-only transaction/) as unknown },
        temporal: { ok: true },
      },
    });
    // Liveness does not look at the database.
    expect((await fetch(`${stack.apiUrl}/healthz`)).status).toBe(200);
    // OFREP's POSTs only read flags: applications still get them.
    const flagReads = await fetch(`${stack.apiUrl}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await stack.token('shop', ['flag-reader'])}`,
      },
      body: JSON.stringify({ context: {} }),
    });
    expect(flagReads.status).toBe(200);

    const refused = await stack.gql(COMPLETE, { input: { rolloutId, itemId: item, note: 'now' } });
    expect(refused.errors?.[0]).toMatchObject({
      extensions: { code: 'UNAVAILABLE' },
      message: expect.stringMatching(/^The audit log cannot be written/) as unknown,
    });
    expect(refused.data ?? null).toBeNull();
    expect(await statusOf()).toBe('OPEN'); // the workflow never heard of it

    await readOnly(false);
    await until('/readyz 200', readyz, (r) => r.status === 200);
    const accepted = await stack.gql(COMPLETE, { input: { rolloutId, itemId: item, note: 'now' } });
    expect(accepted.errors).toBeUndefined();
    expect(await statusOf()).toBe('DONE');

    const verify = spawnSync(process.execPath, ['dist/apps/cli/src/main.js', 'audit', 'verify'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, DATABASE_URL: stack.databaseUrl },
      encoding: 'utf8',
    });
    expect({ status: verify.status, stderr: verify.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
