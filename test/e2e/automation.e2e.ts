import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { adaptersAt, startStack, type Stack, type StackUser } from '../support/stack';
import { repoRoot } from '../support/temporal-tools';
import { until as waitUntil } from '../support/wait';

// Automation's ways in, over HTTP against the real stack: metric readings by GraphQL reach the current
// phase's guardrails (a breaching one rolls back), and Alertmanager's webhook fires the trigger it names.

jest.setTimeout(180_000);

let stack: Stack;
let server: Server;
const rita: StackUser = { id: 'rita', roles: ['release-manager'] };
const robot: StackUser = { id: 'alertmanager', roles: ['operator'] };

interface RolloutView {
  status: string;
  currentPhase?: string;
  guardrails: { id: string; metric: string; readings: number; latestValue?: number; breached: boolean }[];
  breaches: { guardrailId: string; reason: string }[];
  rollback?: { level?: string; reason: string; requestedBy: string };
}
const ROLLOUT = `query R($id: ID!) { rollout(id: $id) { status currentPhase
  guardrails { id metric readings latestValue breached } breaches { guardrailId reason }
  rollback { level reason requestedBy } } }`;
const SAMPLE = `mutation S($input: RecordMetricSampleInput!) {
  recordMetricSample(input: $input) { metric deliveredTo { rolloutId phaseId } } }`;

beforeAll(async () => {
  // Deploy hooks and chat for the rollbacks: an endpoint that answers 200.
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stack = await startStack('automation', {
    workerEnv: adaptersAt(base),
  });
  const markdown = readFileSync(join(repoRoot, 'examples/merchant-platform.md'), 'utf8');
  await stack.importPlan({ markdown, name: 'merchant-platform' }, rita);
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((r) => server?.close(r));
});

/** Polls until `check` returns a value (errors count as "not yet"), or fails naming what never happened. */
const until = <T>(what: string, check: () => Promise<T | undefined>, ms = 60_000) =>
  waitUntil(what, check, { timeoutMs: ms, explain: () => stack.workerOutput().slice(-2000) });

const read = async (id: string) => (await stack.gql<{ rollout: RolloutView }>(ROLLOUT, { id })).data!.rollout;

/**
 * A rollout of the merchant plan, in its first phase (soaks scaled down so nothing ends on its own): the
 * start answers once the phase's workflow runs, so its guardrails answer at once.
 */
async function running(id: string): Promise<RolloutView> {
  const started = await stack.gql<{ startRollout: RolloutView }>(
    `mutation S($input: StartRolloutInput!) { startRollout(input: $input) { status currentPhase
      guardrails { id metric readings latestValue breached } breaches { guardrailId reason } } }`,
    { input: { id, planVersionId: 'merchant-platform@1', parameters: { timeScale: 0.001 } } },
    rita,
  );
  expect(started.errors).toBeUndefined();
  const answer = started.data!.startRollout;
  expect(answer).toMatchObject({ status: 'RUNNING', currentPhase: 'internal-dogfood' });
  expect(answer.guardrails.length).toBeGreaterThan(0);
  return answer;
}

async function postAlerts(body: unknown, as: StackUser | null = robot) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (as) headers.authorization = `Bearer ${await stack.token(as.id, as.roles)}`;
  const res = await fetch(`${stack.apiUrl}/alerts/alertmanager`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Alertmanager's webhook body (version 4) for these alerts. */
function alertmanager(
  alerts: { status?: 'firing' | 'resolved'; labels: Record<string, string>; summary?: string }[],
) {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status: alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved',
    receiver: 'rollout-engine',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: alerts.map((a, i) => ({
      status: a.status ?? 'firing',
      labels: { severity: 'page', ...a.labels },
      annotations: a.summary ? { summary: a.summary } : {},
      startsAt: new Date().toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph',
      fingerprint: `f${i}`,
    })),
  };
}

test('metric readings reach the guardrails of the current phase; a breaching one rolls the rollout back', async () => {
  const id = 'metrics';
  await running(id);

  const unknown = await stack.gql(
    SAMPLE,
    { input: { rolloutId: 'nope', metric: 'queue_backlog', value: 1 } },
    robot,
  );
  expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  const unread = await stack.gql(SAMPLE, { input: { rolloutId: id, metric: 'cpu_load', value: 1 } }, robot);
  expect(unread.errors?.[0]).toMatchObject({
    message: 'No guardrail of plan merchant-platform reads "cpu_load"',
    extensions: { code: 'BAD_USER_INPUT' },
  });
  const viewer = await stack.gql(
    SAMPLE,
    { input: { rolloutId: id, metric: 'queue_backlog', value: 1 } },
    { id: 'v', roles: ['viewer'] },
  );
  expect(viewer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  expect((await read(id)).guardrails.every((g) => g.readings === 0)).toBe(true); // refusals changed nothing

  // To the rollout it names (and only so).
  const one = await stack.gql(
    SAMPLE,
    { input: { rolloutId: id, metric: 'queue_backlog', value: 200 } },
    robot,
  );
  expect(one.data).toEqual({
    recordMetricSample: {
      metric: 'queue_backlog',
      deliveredTo: [{ rolloutId: id, phaseId: 'internal-dogfood' }],
    },
  });
  // A reading without `at` is stamped with the phase's time when it arrives. Wait for it before sending
  // one stamped by this clock: sent at once, both could land in one workflow task, the first then stamped
  // later than the second, which would be the older reading and never shown as the latest.
  await until('the first reading shown', async () => {
    const g = (await read(id)).guardrails.find((x) => x.metric === 'queue_backlog');
    return g?.latestValue === 200 ? g : undefined;
  });
  // A reading naming no rollout is refused: it never goes to every rollout that reads the metric.
  const unnamed = await stack.gql(
    SAMPLE,
    { input: { metric: 'queue_backlog', value: 9999, at: new Date().toISOString() } },
    robot,
  );
  expect(unnamed.data ?? null).toBeNull();
  expect(unnamed.errors?.[0]?.message).toMatch(/rolloutId/);
  await stack.gql(
    SAMPLE,
    { input: { rolloutId: id, metric: 'queue_backlog', value: 300, at: new Date().toISOString() } },
    robot,
  );
  // The guardrail judges each reading alone (no window), so it keeps only the latest.
  const seen = await until('the second reading shown', async () => {
    const g = (await read(id)).guardrails.find((x) => x.metric === 'queue_backlog');
    return g?.latestValue === 300 ? g : undefined;
  });
  expect(seen).toMatchObject({ readings: 1, breached: false });

  // Queue backlog > 1000 (no window: each reading is judged): the guardrail's action, a quick rollback.
  await stack.gql(SAMPLE, { input: { rolloutId: id, metric: 'queue_backlog', value: 5000 } }, robot);
  const rolledBack = await until('rolled back', async () => {
    const r = await read(id);
    return r.status === 'ROLLED_BACK' ? r : undefined;
  });
  expect(rolledBack.breaches.map((b) => b.guardrailId)).toEqual(['queue-backlog']);
  expect(rolledBack.rollback?.level).toBe('quick');
  const late = await stack.gql(
    SAMPLE,
    { input: { rolloutId: id, metric: 'queue_backlog', value: 1 } },
    robot,
  );
  expect(late.errors?.[0]).toMatchObject({
    message: `Rollout ${id} is ROLLED_BACK; it takes no more readings`,
    extensions: { code: 'CONFLICT' },
  });
});

test('readings dated by `at` fill a guardrail window at once: error rate > 5% for 5 min rolls back', async () => {
  const id = 'windowed';
  await running(id);
  const now = Date.now();
  const push = async (minutesAgo: number[]) => {
    for (const ago of minutesAgo) {
      const at = new Date(now - ago * 60_000).toISOString();
      const sent = await stack.gql(
        SAMPLE,
        { input: { rolloutId: id, metric: 'error_rate', value: 7 + ago / 10, at } },
        robot,
      );
      expect(sent.errors).toBeUndefined();
    }
  };
  // The last three minutes above 5% do not cover the window: still running.
  await push([3, 2, 1, 0]);
  await until('four readings shown', async () => {
    const g = (await read(id)).guardrails.find((x) => x.id === 'error-rate');
    return g?.readings === 4 ? g : undefined;
  });
  expect((await read(id)).status).toBe('RUNNING');
  // Readings back to the window's start complete it.
  await push([4, 5]);
  const rolledBack = await until('rolled back', async () => {
    const r = await read(id);
    return r.status === 'ROLLED_BACK' ? r : undefined;
  });
  expect(rolledBack.breaches.map((b) => b.guardrailId)).toEqual(['error-rate']);
});

test('an Alertmanager webhook fires the rollback its alert names; bad calls are refused and change nothing', async () => {
  const id = 'alerted';
  await running(id);
  const firing = alertmanager([
    {
      labels: { alertname: 'HighErrorRate', trigger: 'error-rate', rollout: id },
      summary: '5xx at 9% for 6m',
    },
  ]);

  expect((await postAlerts(firing, null)).status).toBe(401);
  expect((await postAlerts(firing, { id: 'vera', roles: ['viewer'] })).status).toBe(403);
  const malformed = await postAlerts({ version: '4', alerts: [{ status: 'burning' }] });
  expect(malformed.status).toBe(400);
  expect(malformed.body).toMatchObject({ message: 'Not an Alertmanager webhook payload (version 4)' });
  expect(String(malformed.body.problems)).toMatch(/alerts\.0\.status/);
  expect((await postAlerts('{not json')).status).toBe(400);

  // Resolved, or naming nothing in the plan: answered, nothing done.
  const idle = await postAlerts(
    alertmanager([
      { status: 'resolved', labels: { alertname: 'HighErrorRate', trigger: 'error-rate', rollout: id } },
      { labels: { alertname: 'DiskFull', rollout: id } },
    ]),
  );
  expect(idle.status).toBe(200);
  expect(idle.body.alerts).toEqual([
    expect.objectContaining({
      status: 'resolved',
      results: [expect.objectContaining({ outcome: 'skipped' })],
    }),
    expect.objectContaining({
      alertname: 'DiskFull',
      results: [
        {
          rolloutId: id,
          outcome: 'skipped',
          reason: 'unknown-trigger',
          detail: 'plan merchant-platform has no trigger or guardrail "DiskFull"',
        },
      ],
    }),
  ]);
  expect((await read(id)).status).toBe('RUNNING');

  const fired = await postAlerts(firing);
  expect(fired).toEqual({
    status: 200,
    body: {
      alerts: [
        {
          alertname: 'HighErrorRate',
          fingerprint: 'f0',
          status: 'firing',
          results: [
            {
              rolloutId: id,
              triggerId: 'error-rate',
              outcome: 'rollback',
              detail: 'Alertmanager: HighErrorRate firing (guardrail error-rate): 5xx at 9% for 6m',
            },
          ],
        },
      ],
    },
  });
  const rolledBack = await until('rolled back', async () => {
    const r = await read(id);
    return r.status === 'ROLLED_BACK' ? r : undefined;
  });
  expect(rolledBack.rollback).toMatchObject({ level: 'quick', requestedBy: 'alertmanager' });

  // Alertmanager repeats a firing alert: once the list shows the rollout ended, the repeat is skipped, naming
  // the rollout's actual final status.
  await until('the list shows it rolled back', async () => {
    const list = await stack.gql<{ rollouts: { edges: { node: { id: string } }[] } }>(
      `query { rollouts(filter: { status: ROLLED_BACK }, first: 100) { edges { node { id } } } }`,
    );
    return list.data?.rollouts.edges.some((e) => e.node.id === id) || undefined;
  });
  const repeat = await postAlerts(firing);
  expect(repeat.status).toBe(200);
  expect((repeat.body.alerts as { results: unknown[] }[])[0].results[0]).toEqual({
    rolloutId: id,
    outcome: 'skipped',
    reason: 'ended',
    detail: `rollout ${id} has ended (ROLLED_BACK)`,
  });

  const audit = await stack.gql<{
    auditLog: {
      edges: {
        node: { action: string; target: string; actor: string; outcome: string; payloadJson: string };
      }[];
    };
  }>(
    `query A($id: ID!) { auditLog(rolloutId: $id, first: 50) {
      edges { node { action target actor outcome payloadJson } } } }`,
    { id },
  );
  const rows = audit.data!.auditLog.edges.map((e) => e.node).reverse();
  const alerted = rows.filter((r) => r.action.startsWith('alert.'));
  // Every alert's outcome: the resolved one and DiskFull skipped, the rollback, the repeat skipped.
  expect(alerted).toEqual([
    expect.objectContaining({ action: 'alert.skipped', target: 'error-rate', outcome: 'skipped' }),
    expect.objectContaining({ action: 'alert.skipped', target: 'DiskFull', outcome: 'skipped' }),
    expect.objectContaining({
      action: 'alert.rollback',
      target: 'error-rate',
      actor: 'alertmanager',
      outcome: 'accepted',
    }),
    expect.objectContaining({
      action: 'alert.skipped',
      target: 'error-rate',
      actor: 'alertmanager',
      outcome: 'skipped',
    }),
  ]);
  expect(JSON.parse(alerted[0].payloadJson)).toMatchObject({ reason: 'resolved', status: 'resolved' });
  expect(JSON.parse(alerted[1].payloadJson)).toMatchObject({
    reason: 'unknown-trigger',
    alertname: 'DiskFull',
  });
  expect(JSON.parse(alerted[2].payloadJson)).toMatchObject({ alertname: 'HighErrorRate', fingerprint: 'f0' });
  expect(JSON.parse(alerted[3].payloadJson)).toMatchObject({ reason: 'ended' });
  expect(rows).toContainEqual(
    expect.objectContaining({
      action: 'rollout.transition',
      target: 'ROLLING_BACK',
      actor: 'alertmanager',
      outcome: 'accepted',
    }),
  );
});
