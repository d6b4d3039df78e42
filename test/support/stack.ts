import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { signToken } from '../../libs/auth/src';
import { rolloutSearchAttributeKeys } from '../../workflows/search-attributes';
import { freePort } from './ports';
import { createTestDatabase, type TestDatabase } from './postgres';
import { IMPORT_PLAN } from './rollout-operations';
import { repoRoot, temporalTools } from './temporal-tools';

/**
 * The product as it runs for real: a Temporal dev server, and the built API and worker as separate
 * processes on free ports, with their own SQLite file. Nothing here is a mock.
 */
export interface Stack {
  env: TestWorkflowEnvironment;
  apiUrl: string;
  dataDir: string;
  /** The database the API and worker share (SQLite in `dataDir` unless asked for PostgreSQL). */
  database: TestDatabase;
  /**
   * Its DATABASE_URL, `sqlite:<file>` or `postgresql://…`; a test opens it with
   * `MikroORM.init(mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: stack.databaseUrl })))`.
   */
  databaseUrl: string;
  /** The task queue the worker polls (where a test starts workflows directly). */
  taskQueue: string;
  /**
   * Starts the worker (again, after `killWorker`); `env` is added to its environment (over `workerEnv`), e.g. a
   * hook's URL configured since: adapters read their configuration when the worker starts.
   */
  startWorker(env?: Record<string, string>): Promise<void>;
  killWorker(signal?: NodeJS.Signals): Promise<void>;
  /**
   * Stops the Temporal dev server (the API and worker keep running, cut off); `startTemporal` starts it
   * again on the same port, with the same database file when the stack was started `restartableTemporal`.
   */
  stopTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  /** What the current (or last) worker process has printed, for a failing test to show. */
  workerOutput(): string;
  /** What the API process has printed (its JSON log lines). */
  apiOutput(): string;
  /**
   * Every API process, in start order (the first serves `apiUrl` and `gql`): as many as `options.apis`, all
   * started together on the same database. A killed one stays listed (`alive()` says so).
   */
  apis: AppProcess[];
  /** Every worker process started (by the stack, `startWorker` or `addWorker`), killed ones included. */
  workers: AppProcess[];
  /** Starts one more worker beside the others (same task queue, database and adapters). */
  addWorker(): Promise<AppProcess>;
  /** `gql`, sent to the API at `apiUrl` (one of `apis`). */
  gqlAt<T = Record<string, unknown>>(
    apiUrl: string,
    query: string,
    variables?: Record<string, unknown>,
    as?: StackUser | null,
  ): Promise<GqlResponse<T>>;
  /** A bearer token the API accepts, for this user and roles. */
  token(user: string, roles: string[]): Promise<string>;
  /** A GraphQL request as this person (default: `e2e`, an admin); `null` sends no token. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    as?: StackUser | null,
  ): Promise<GqlResponse<T>>;
  /**
   * Imports a plan document (`PlanDocumentInput`: yaml or markdown, a name) as this person (default: `e2e`, an
   * admin) and answers the new version's id; a refusal fails with the API's errors.
   */
  importPlan(input: Record<string, unknown>, as?: StackUser): Promise<string>;
  stop(): Promise<void>;
}

/** One API or worker process of a stack. */
export interface AppProcess {
  kind: 'api' | 'worker';
  pid: number;
  /** The API's base URL (an API only). */
  url?: string;
  /** What it has printed. */
  output(): string;
  alive(): boolean;
  /** SIGKILL by default; resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StackUser {
  id: string;
  roles: string[];
}

export interface GqlResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

let built = false;
function buildOnce(): void {
  if (built || process.env.ROLLOUT_BUILT === '1') return;
  const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
  built = true;
}

/** The developer's own settings must not leak into the stack (a DATABASE_URL, a Cloud API key, an OTLP endpoint …). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(TEMPORAL_|DATABASE_URL$|DATA_DIR$|HOST$|PORT$|API_|OTEL_)/.test(k),
    ),
  );
}

function spawnApp(name: 'api' | 'worker', env: Record<string, string>): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, ['--enable-source-maps', `dist/apps/${name}/src/main.js`], {
    cwd: repoRoot,
    env: { ...cleanEnv(), ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: string[] };
  child.output = [];
  const keep = (chunk: Buffer) => child.output.push(chunk.toString());
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  child?: ChildProcess & { output: string[] },
  ms = 60_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited early:\n${child.output.join('')}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready in ${ms / 1000}s${child ? `:\n${child.output.join('')}` : ''}`);
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));

/** SIGTERM, then SIGKILL if it has not exited within the grace period. */
async function stop(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited(child);
  clearTimeout(timer);
}

export interface StackOptions {
  actionTimeoutMs?: number;
  /** Extra environment for the API and the worker (`DATABASE_URL` …). */
  env?: Record<string, string>;
  /** Extra environment for the worker only (adapter URLs such as `HOOK_URLS`, `NOTIFY_WEBHOOK_URL` …). */
  workerEnv?: Record<string, string>;
  /**
   * `postgresql`: a fresh database of its own on the test run's PostgreSQL server (TEST_DATABASE_URL, see
   * test/support/postgres-global.ts), dropped by `stop`. Default `sqlite`: a file in `dataDir`.
   */
  database?: TestDatabase;
  /**
   * How many API processes (default 1): each on a port of its own, all on the same database and Temporal
   * server, started at the same moment (so they migrate a fresh database together).
   */
  apis?: number;
  /** How many worker processes (default 1), started together once the APIs answer. */
  workers?: number;
  /** Keeps the dev server's state in a file in `dataDir`, so `stopTemporal`/`startTemporal` keep workflows. */
  restartableTemporal?: boolean;
}

/** Worker settings pointing the notification webhook and every rollback hook at one local test server. */
export function adaptersAt(base: string): Record<string, string> {
  return {
    NOTIFY_WEBHOOK_URL: `${base}/notify`,
    HOOK_URLS: JSON.stringify({
      'revert-deployment': `${base}/revert`,
      'restore-backup': `${base}/restore`,
      'replay-dlq': `${base}/replay`,
      webhook: `${base}/webhook`,
    }),
  };
}

export async function startStack(name: string, options: StackOptions = {}): Promise<Stack> {
  buildOnce();
  const pg = options.database === 'postgresql' ? await createTestDatabase(name) : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), `rollouts-e2e-${name}-`));
  const temporalPort = await freePort();
  const createTemporal = () =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalTools().cli },
        searchAttributes: rolloutSearchAttributeKeys,
        ip: '127.0.0.1',
        port: temporalPort,
        ...(options.restartableTemporal && { dbFilename: join(dataDir, 'temporal.sqlite') }),
      },
    });
  let env = await createTemporal();
  let temporalRunning = true;
  const port = await freePort();
  const secret = randomBytes(32).toString('base64url');
  const taskQueue = `e2e-${name}`;
  const appEnv = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATA_DIR: dataDir,
    PORT: String(port),
    API_ACTION_TIMEOUT_MS: String(options.actionTimeoutMs ?? 30_000),
    AUTH_JWT_SECRET: secret,
    ...(pg && { DATABASE_URL: pg.url }),
    ...options.env,
  };
  const apiUrl = `http://127.0.0.1:${port}`;
  let api: (ChildProcess & { output: string[] }) | undefined;
  let worker: (ChildProcess & { output: string[] }) | undefined;
  let lastWorkerOutput: string[] = [];
  const apis: AppProcess[] = [];
  const workers: AppProcess[] = [];
  const children: ChildProcess[] = [];
  const appProcess = (
    kind: AppProcess['kind'],
    child: ChildProcess & { output: string[] },
    url?: string,
  ): AppProcess => {
    children.push(child);
    return {
      kind,
      pid: child.pid ?? 0,
      url,
      output: () => child.output.join(''),
      alive: () => child.exitCode === null && child.signalCode === null,
      kill: (signal = 'SIGKILL') => stop(child, signal),
    };
  };
  // Several processes starting at once on a busy machine share its cores: each gets longer to become ready
  // (the dev server and four of them took 150 s beside two CPU-bound processes on two cores). One worker alone
  // bundles its workflows first: more than 60 s at a load average of 17 on two cores (two browser suites at once).
  const readyMs = (options.apis ?? 1) + (options.workers ?? 1) > 2 ? 240_000 : 180_000;
  /** Spawns a worker at once; `ready` resolves when it polls the task queue. */
  const spawnWorker = (env: Record<string, string> = {}) => {
    const child = spawnApp('worker', { ...appEnv, ...options.workerEnv, ...env });
    const handle = appProcess('worker', child);
    workers.push(handle);
    const ready = waitUntil(
      'worker',
      async () => child.output.join('').includes('polling task queue') && (await polls(child)),
      child,
      readyMs,
    );
    return { child, handle, ready };
  };
  const teardown = async () => {
    await stop(worker);
    await Promise.all(children.map((child) => stop(child)));
    await stop(api);
    if (temporalRunning) await env.teardown();
    rmSync(dataDir, { recursive: true, force: true });
    await pg?.drop();
  };
  /** Whether this worker process polls the task queue (a killed one stays listed for a while). */
  const polls = async (child: ChildProcess) => {
    const res = await env.client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    // The SDK's default identity is `<pid>@<host>`.
    return (res.pollers ?? []).some((p) => p.identity?.startsWith(`${child.pid}@`));
  };

  const stack: Stack = {
    env,
    apiUrl,
    dataDir,
    database: options.database ?? 'sqlite',
    databaseUrl: appEnv.DATABASE_URL ?? `sqlite:${join(dataDir, 'rollouts.sqlite')}`,
    taskQueue,
    apis,
    workers,
    async startWorker(env) {
      const { child, ready } = spawnWorker(env);
      worker = child;
      lastWorkerOutput = child.output;
      await ready;
    },
    async addWorker() {
      const { handle, ready } = spawnWorker();
      await ready;
      return handle;
    },
    async killWorker(signal = 'SIGKILL') {
      await stop(worker, signal);
      worker = undefined;
    },
    async stopTemporal() {
      temporalRunning = false;
      await env.teardown();
    },
    async startTemporal() {
      env = await createTemporal();
      temporalRunning = true;
      stack.env = env;
    },
    workerOutput: () => lastWorkerOutput.join(''),
    apiOutput: () => api?.output.join('') ?? '',
    token: (user, roles) => signToken(secret, { user, roles }, { ttlSeconds: 3600 }),
    gql: (query, variables, as) => stack.gqlAt(apiUrl, query, variables, as),
    async gqlAt(url, query, variables, as = { id: 'e2e', roles: ['admin'] }) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (as) headers.authorization = `Bearer ${await stack.token(as.id, as.roles)}`;
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(20_000),
      });
      return (await res.json()) as never;
    },
    async importPlan(input, as) {
      const res = await stack.gql<{ importPlan: { planVersion: { id: string } } }>(
        IMPORT_PLAN,
        { input },
        as,
      );
      if (res.errors?.length || !res.data)
        throw new Error(`importPlan refused: ${JSON.stringify(res.errors)}`);
      return res.data.importPlan.planVersion.id;
    },
    stop: teardown,
  };
  try {
    // More APIs than one: each on a port of its own, all spawned in the same tick.
    const ports = [port];
    while (ports.length < (options.apis ?? 1)) {
      const next = await freePort();
      if (!ports.includes(next)) ports.push(next);
    }
    const apiChildren = ports.map((p) => spawnApp('api', { ...appEnv, PORT: String(p) }));
    api = apiChildren[0];
    apiChildren.forEach((child, i) => apis.push(appProcess('api', child, `http://127.0.0.1:${ports[i]}`)));
    await Promise.all(
      apis.map((p, i) =>
        waitUntil('API', async () => (await fetch(`${p.url}/healthz`)).ok, apiChildren[i], readyMs),
      ),
    );
    // The first worker is the one `startWorker` and `killWorker` mean; the others are spawned with it.
    const first = spawnWorker();
    worker = first.child;
    lastWorkerOutput = first.child.output;
    const more = Array.from({ length: (options.workers ?? 1) - 1 }, () => spawnWorker());
    await Promise.all([first.ready, ...more.map((w) => w.ready)]);
  } catch (err) {
    await teardown(); // a failed start leaves no server or process behind
    throw err;
  }
  return stack;
}
