import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { signToken } from '../../libs/auth/src';
import { loadPersistenceConfig, mikroOrmOptions, RolloutProjection } from '../../libs/persistence/src';
import { itemActionUpdate, phaseWorkflowId, rolloutWorkflowId } from '../../workflows/engine/messages';
import type { ItemAction } from '../../workflows/engine/actions';
import { rolloutSearchAttributeKeys } from '../../workflows/search-attributes';
import { startDevServer } from '../engine/dev-server';
import {
  ascending,
  freePort,
  median,
  merchantPlan,
  ms,
  percentile,
  repoRoot,
  startFakeAdapters,
  validated,
} from '../engine/support';
import { stopProcess, until } from '../../test/support';

// The API's overhead and its list latency, against the real stack: a Temporal dev server, the built API and
// worker as processes (as `npm start` runs them) over one SQLite file, and a fake adapters endpoint.
//  (a) `completeChecklistItem` through GraphQL vs the same Update sent with the Temporal client directly,
//      alternated A/B, B/A so that noise hits both alike;
//  (b) `rollouts(first: 50)` with 1,000 rollouts in the projection, and paging through all of them.

const quick = process.argv.includes('--quick');
const SAMPLES = Number(process.env.SAMPLES ?? (quick ? 50 : 200));
const WARMUP = 10;
const ITEMS = 100;
const ROUNDS_PER_ROLLOUT = 80;
const PROJECTION_ROWS = 1000;
const LIST_SAMPLES = Number(process.env.LIST_SAMPLES ?? (quick ? 50 : 200));
const LABEL = 52;

const progress = (message: string): void => {
  process.stderr.write(`[bench:api] ${message}\n`);
};

function spawnApp(name: 'api' | 'worker', env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [join(repoRoot, `dist/apps/${name}/src/main.js`)], {
    cwd: repoRoot,
    env: { ...process.env, ...env, LOG_FORMAT: 'json', NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

const spread = (values: number[]) => {
  const sorted = ascending(values);
  return { median: median(sorted), p99: percentile(sorted, 99) };
};

async function main(): Promise<number> {
  const started = Date.now();
  progress(`starting a dev server, the API and a worker (${quick ? 'quick' : 'full'} run)`);
  const searchAttributes = rolloutSearchAttributeKeys.flatMap((k) => [
    '--search-attribute',
    `${k.name}=Keyword`,
  ]);
  const dev = await startDevServer(searchAttributes);
  const fake = await startFakeAdapters();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  const secret = randomBytes(32).toString('base64url');
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const taskQueue = 'bench-api';
  const env = {
    TEMPORAL_ADDRESS: dev.connection.options.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATA_DIR: dataDir,
    PORT: String(port),
    AUTH_JWT_SECRET: secret,
    ...(fake.config.notifyDefaultUrl ? { NOTIFY_WEBHOOK_URL: fake.config.notifyDefaultUrl } : {}),
    HOOK_URLS: JSON.stringify(fake.config.hookUrls ?? {}),
  };
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  try {
    api = spawnApp('api', env);
    await until('the API comes up', async () => (await fetch(`${apiUrl}/healthz`)).ok);
    worker = spawnApp('worker', env);

    const actor = { id: 'olga', roles: ['operator', 'release-manager'] };
    const token = await signToken(secret, { user: actor.id, roles: actor.roles }, { ttlSeconds: 3600 });
    const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const res = await fetch(`${apiUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
      if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
      return body.data!;
    };

    // The seed, its first phase grown to 100 items; JSON is YAML, so it is imported as a document.
    const seed = merchantPlan();
    const [first, ...rest] = seed.phases;
    const items = Array.from({ length: ITEMS }, (_, i) => ({
      id: `item-${i}`,
      title: `Item ${i}`,
      kind: 'manual' as const,
    }));
    const plan = validated({
      ...seed,
      metadata: { ...seed.metadata, name: 'bench-api' },
      phases: [{ ...first, checklist: items }, ...rest],
    });
    await gql(`mutation I($input: PlanDocumentInput!) { importPlan(input: $input) { planVersion { id } } }`, {
      input: { yaml: JSON.stringify(plan), name: 'bench-api' },
    });
    type PhaseHandle = ReturnType<typeof dev.client.workflow.getHandle>;
    const startBenchRollout = async (rolloutId: string): Promise<PhaseHandle> => {
      await gql(`mutation S($input: StartRolloutInput!) { startRollout(input: $input) { id } }`, {
        input: { id: rolloutId, planVersionId: 'bench-api@1' },
      });
      const phase = dev.client.workflow.getHandle(phaseWorkflowId(rolloutId, first.id));
      await until('the first phase comes up', async () => {
        await phase.describe();
        return true;
      });
      return phase;
    };

    // Every sample must be a real accepted action (OPEN -> DONE by olga), checked after the clock stops on
    // both sides: a repeat would be accepted as a no-op without the audit write.
    type Item = { id: string; status: string; doneBy?: string | null };
    const mustBeDone = (how: string, itemId: string, items: Item[] | undefined) => {
      const item = items?.find((i) => i.id === itemId);
      if (item?.status !== 'DONE' || item.doneBy !== actor.id)
        throw new Error(
          `${how}: ${itemId} left ${item?.status ?? 'missing'} (by ${item?.doneBy ?? 'nobody'})`,
        );
    };
    const COMPLETE = `mutation C($input: CompleteChecklistItemInput!) { completeChecklistItem(input: $input) { status currentPhase phases { id checklist { id status doneBy } } } }`;
    type Completed = { completeChecklistItem: { phases: { id: string; checklist: Item[] }[] } };
    const viaGraphQL = async (rolloutId: string, itemId: string) => {
      const t = performance.now();
      const answer = await gql<Completed>(COMPLETE, { input: { rolloutId, itemId } });
      const took = performance.now() - t;
      const items = answer.completeChecklistItem.phases.find((p) => p.id === first.id)?.checklist;
      mustBeDone('GraphQL', itemId, items);
      return took;
    };
    // What the resolver sends: { type: 'complete', itemId, actor, note, evidence } with the token's actor
    // ({ id, roles }); note and evidence are absent from the JSON either way.
    const direct = async (phase: PhaseHandle, itemId: string) => {
      const action: ItemAction = { type: 'complete', itemId, actor };
      const t = performance.now();
      const state = await phase.executeUpdate(itemActionUpdate, { args: [action] });
      const took = performance.now() - t;
      mustBeDone('direct', itemId, state.items);
      return took;
    };
    const reopen = async (phase: PhaseHandle, itemId: string) => {
      const state = await phase.executeUpdate(itemActionUpdate, {
        args: [{ type: 'reopen', itemId, actor, note: 'bench' }],
      });
      const status = state.items.find((i) => i.id === itemId)?.status;
      if (status !== 'OPEN') throw new Error(`reopen ${itemId} left it ${status ?? 'missing'}`);
    };

    // A round is 4 Updates (two completes timed, two reopens untimed), about 32 history events: a rollout
    // takes at most ROUNDS_PER_ROLLOUT measured rounds (plus its warm-up) so that its phase stays well under
    // the 4,000 events past which it continues as new; more samples use more rollouts of the same plan.
    const graphQLTimes: number[] = [];
    const directTimes: number[] = [];
    const histories: number[] = [];
    const rollouts = Math.ceil(SAMPLES / ROUNDS_PER_ROLLOUT);
    for (let r = 0; r < rollouts; r++) {
      const rolloutId = `bench-api-${r + 1}`;
      const phase = await startBenchRollout(rolloutId);
      const firstRun = (await phase.describe()).runId;
      const measured = Math.min(ROUNDS_PER_ROLLOUT, SAMPLES - r * ROUNDS_PER_ROLLOUT);
      progress(
        `${rolloutId} running (${r + 1}/${rollouts}): ${WARMUP} warm-up + ${measured} rounds, GraphQL and direct`,
      );
      for (let i = 0; i < WARMUP + measured; i++) {
        // Two fresh items per round, each completed one way, A/B then B/A; reopened (untimed) afterwards.
        const a = `item-${(2 * i) % ITEMS}`;
        const b = `item-${(2 * i + 1) % ITEMS}`;
        const [g, d] =
          i % 2 === 0
            ? [await viaGraphQL(rolloutId, a), await direct(phase, b)]
            : [await direct(phase, b), await viaGraphQL(rolloutId, a)].reverse();
        if (i >= WARMUP) {
          graphQLTimes.push(g);
          directTimes.push(d);
        }
        await reopen(phase, a);
        await reopen(phase, b);
        if ((i + 1) % 25 === 0) progress(`  ${i + 1}/${WARMUP + measured} rounds`);
      }
      const done = await phase.describe();
      if (done.runId !== firstRun)
        throw new Error(`${rolloutId}: the phase continued as new during the measurement`);
      histories.push(done.historyLength);
    }
    const phaseHistory = `${rollouts} rollout${rollouts > 1 ? 's' : ''}, ${WARMUP} warm-up rounds each; phase history at the end ${histories.join(', ')} events (no continue-as-new)`;

    progress(`writing ${PROJECTION_ROWS} rollouts into the projection`);
    const orm = await MikroORM.init(
      mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: `sqlite:${join(dataDir, 'rollouts.sqlite')}` })),
    );
    try {
      const em = orm.em.fork();
      const t0 = Date.UTC(2026, 0, 1);
      for (let i = 0; i < PROJECTION_ROWS; i++) {
        em.create(RolloutProjection, {
          rolloutId: `listed-${String(i).padStart(4, '0')}`,
          workflowId: rolloutWorkflowId(`listed-${String(i).padStart(4, '0')}`),
          plan: i % 2 ? 'merchant-platform' : 'admin-panel',
          status: ['RUNNING', 'COMPLETED', 'ROLLED_BACK', 'WAITING_FOR_SIGN_OFF'][i % 4],
          currentPhase: i % 4 === 0 ? 'pilot-merchants' : null,
          startedAt: new Date(t0 + i * 60_000),
          updatedAt: new Date(t0 + i * 60_000),
          version: 1,
        });
      }
      await em.flush();
    } finally {
      await orm.close();
    }
    const LIST = `query L($after: String) { rollouts(first: 50, after: $after) { totalCount edges { cursor node { id status plan currentPhase startedAt } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      rollouts: {
        totalCount: number;
        edges: { node: { id: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor?: string };
      };
    };
    for (let i = 0; i < WARMUP; i++) await gql<Page>(LIST);
    const firstPage: number[] = [];
    for (let i = 0; i < LIST_SAMPLES; i++) {
      const t = performance.now();
      const page = await gql<Page>(LIST);
      firstPage.push(performance.now() - t);
      if (page.rollouts.totalCount < PROJECTION_ROWS)
        throw new Error(`only ${page.rollouts.totalCount} rollouts listed`);
    }
    const pages: number[] = [];
    const listed = new Set<string>();
    let cursor: string | undefined;
    let seen = 0;
    let total = 0;
    do {
      const t = performance.now();
      const page = await gql<Page>(LIST, { after: cursor });
      pages.push(performance.now() - t);
      seen++;
      total = page.rollouts.totalCount;
      for (const edge of page.rollouts.edges) {
        if (listed.has(edge.node.id)) throw new Error(`${edge.node.id} listed twice while paging`);
        listed.add(edge.node.id);
      }
      cursor = page.rollouts.pageInfo.hasNextPage ? page.rollouts.pageInfo.endCursor : undefined;
    } while (cursor);
    if (listed.size !== total) throw new Error(`paging listed ${listed.size} of ${total} rollouts`);

    const g = spread(graphQLTimes);
    const d = spread(directTimes);
    const l = spread(firstPage);
    const row = (label: string, m: string, p: string) =>
      `  ${label.padEnd(LABEL)} median ${m.padStart(9)}   p99 ${p.padStart(9)}`;
    console.log(
      `API benchmark — ${cpus().length} CPUs, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}${quick ? ' (--quick)' : ''}`,
    );
    console.log(`completeChecklistItem, ${SAMPLES} samples each, A/B alternated, ${ITEMS}-item phase`);
    console.log(row('GraphQL mutation (HTTP, token, Update, state read back)', ms(g.median), ms(g.p99)));
    console.log(row('the same Update with the Temporal client', ms(d.median), ms(d.p99)));
    console.log(
      row(
        'ratio GraphQL / direct (the API’s overhead)',
        `${(g.median / d.median).toFixed(2)}×`,
        `${(g.p99 / d.p99).toFixed(2)}×`,
      ),
    );
    console.log(`  ${phaseHistory}`);
    console.log(
      `rollouts(first: 50) with ${total} rollouts in the projection (${PROJECTION_ROWS} written by the bench), ${LIST_SAMPLES} samples of the first page`,
    );
    console.log(row('first page', ms(l.median), ms(l.p99)));
    console.log(
      row(
        `every page by cursor (${seen} pages, ${listed.size} rollouts)`,
        ms(median(ascending(pages))),
        ms(percentile(ascending(pages), 99)),
      ),
    );
    console.log(`total ${Math.round((Date.now() - started) / 1000)} s`);
    return 0;
  } finally {
    await stopProcess(worker);
    await stopProcess(api);
    await fake.close();
    await dev.teardown();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
