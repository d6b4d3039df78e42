import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { startStack, type Stack } from '../support/stack';
import { repoRoot } from '../support/temporal-tools';

// The API's guard rails for every client: query depth and cost limits checked before any resolver runs,
// a body size limit, no stack traces in answers, and a request ID on every response and log line (JSON).

jest.setTimeout(120_000);

let stack: Stack;

beforeAll(async () => {
  // A low depth limit so the schema's deepest paths exceed it; the cost limit as shipped.
  stack = await startStack('hardening', { env: { API_MAX_QUERY_DEPTH: '3' } });
});

afterAll(async () => {
  await stack?.stop();
});

async function post(body: string, headers: Record<string, string> = {}) {
  const token = await stack.token('e2e', ['admin']);
  return fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body,
  });
}

// Costs 1 + 200 × 4 (edges, cursor, pageInfo, hasNextPage): 801.
const PAGES = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `p${i}: auditLog(first: 200) { edges { cursor } pageInfo { hasNextPage } }`,
  ).join(' ');

test('a query deeper than the limit is refused before it runs, through fragments too; one within it runs', async () => {
  const within = await stack.gql(`query { rollout(id: "no-such-rollout") { phases { id } } }`);
  expect(within.errors?.[0].extensions?.code).toBe('NOT_FOUND'); // the resolver ran: the limits let it through

  for (const query of [
    `query { rollout(id: "no-such-rollout") { phases { gate { signedBy } } } }`,
    `query { rollout(id: "no-such-rollout") { ...R } } fragment R on Rollout { phases { ...P } }
     fragment P on Phase { gate { signedBy } }`,
  ]) {
    const res = await post(JSON.stringify({ query }));
    const body = (await res.json()) as {
      data?: unknown;
      errors: { message: string; extensions: Record<string, unknown> }[];
    };
    expect([res.status, body.data ?? null, body.errors.length]).toEqual([400, null, 1]);
    expect(body.errors[0]).toMatchObject({
      message: 'The query nests 4 levels deep; at most 3 are allowed',
      extensions: { code: 'BAD_USER_INPUT', limit: 3, actual: 4 },
    });
  }
  // Introspection (the Web landing page's, codegen's) is not counted.
  const introspection = await stack.gql(
    `query { __schema { types { fields { type { ofType { ofType { name } } } } } } }`,
  );
  expect(introspection.errors).toBeUndefined();
});

test('a query costing more than the limit (page size times selection) is refused; a smaller page runs', async () => {
  const cheap = await stack.gql(`query { ${PAGES(6)} }`); // 4,806
  expect(cheap.errors).toBeUndefined();
  const res = await post(JSON.stringify({ query: `query { ${PAGES(7)} }` })); // 5,607
  const body = (await res.json()) as {
    data?: unknown;
    errors: { message: string; extensions: Record<string, unknown> }[];
  };
  expect(res.status).toBe(400);
  expect(body.data ?? null).toBeNull();
  expect(body.errors[0].message).toMatch(/^The query costs 5607; at most 5000 is allowed/);
  expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 5000, actual: 5607 });
});

test('an oversized body is a 413; errors carry a code and never a stack trace', async () => {
  const big = await post(
    JSON.stringify({ query: 'query { flags { key } }', variables: { pad: 'x'.repeat(1_100_000) } }),
  );
  expect(big.status).toBe(413);
  const text = await big.text();
  expect(text).not.toMatch(/\n\s+at /);

  for (const query of [
    'query { nope }',
    'query {',
    'mutation { importPlan(input: {}) { planVersion { id } } }',
  ]) {
    const res = await post(JSON.stringify({ query }));
    const raw = await res.text();
    const body = JSON.parse(raw) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors.map((e) => typeof e.extensions.code)).not.toContain('undefined');
    expect([query, raw]).not.toEqual([query, expect.stringMatching(/stacktrace|\n\s+at |\.ts:\d+/)]);
  }
});

test('every response carries a request ID (the caller’s when sane), and the JSON log lines of that request carry it', async () => {
  const chosen = `e2e-${Date.now()}`;
  const mine = await post(JSON.stringify({ query: 'query { flags { key } }' }), { 'x-request-id': chosen });
  expect(mine.headers.get('x-request-id')).toBe(chosen);
  const minted = await post(JSON.stringify({ query: 'query { flags { key } }' }), {
    'x-request-id': 'no spaces allowed',
  });
  expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const health = await fetch(`${stack.apiUrl}/healthz`);
  expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

  // One JSON object per line; the finished request logged with its ID, method, path and status.
  let lines: Record<string, unknown>[] = [];
  for (let i = 0; i < 50 && !lines.some((l) => l.requestId === chosen); i++) {
    await new Promise((r) => setTimeout(r, 100));
    lines = stack
      .apiOutput()
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  expect(lines.every((l) => typeof l.level === 'string' && typeof l.timestamp === 'number')).toBe(true);
  // The worker too: its own lines and the Temporal SDK's, one JSON object each.
  const worker = stack
    .workerOutput()
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(worker).toContainEqual(expect.objectContaining({ context: 'Temporal', level: 'log' }));
  expect(worker).toContainEqual(
    expect.objectContaining({
      context: 'Worker',
      message: expect.stringMatching(/^polling task queue/) as unknown,
    }),
  );
  expect(lines.filter((l) => l.requestId === chosen)).toEqual([
    expect.objectContaining({
      level: 'log',
      context: 'HTTP',
      message: expect.objectContaining({
        msg: 'request',
        method: 'POST',
        path: '/graphql',
        status: 200,
      }) as unknown,
    }),
  ]);
});

test('the running API serves exactly the committed schema.graphql (every module’s resolvers are in RESOLVERS)', async () => {
  const r = await stack.gql<IntrospectionQuery>(getIntrospectionQuery());
  expect(r.errors).toBeUndefined();
  const served = printSchema(lexicographicSortSchema(buildClientSchema(r.data!)));
  const committed = printSchema(
    lexicographicSortSchema(buildSchema(readFileSync(join(repoRoot, 'schema.graphql'), 'utf8'))),
  );
  expect(served).toBe(committed);
});
