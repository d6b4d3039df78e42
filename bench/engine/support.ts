import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamicModule, type INestApplicationContext, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ADAPTERS_CONFIG, createActivities, loadAdaptersConfig, type AdaptersConfig } from '../../activities';
import { ACTIVITY_PROVIDERS } from '../../activities/activities.module';
import { PersistenceModule } from '../../libs/persistence/src';
import { parsePlanDocument, validatePlan, type RolloutPlan } from '../../libs/plan/src';
import type { Actor } from '../../workflows/engine/phase';

// What the engine benchmark shares: binaries, a fake adapters endpoint, the worker's Nest context, figures.
// (Benchmarks are built by tsconfig.build.json, which leaves test/ out: nothing here imports from it.)

export const repoRoot = join(__dirname, '../../..');

export const ops: Actor = { id: 'olga', roles: ['operator'] };
export const rm: Actor = { id: 'rita', roles: ['release-manager'] };

export const progress = (message: string): void => {
  process.stderr.write(`[bench:engine] ${message}\n`);
};

/** Paths of the pinned Temporal binaries (as `npm test` finds them): the environment, or the install script. */
export function temporalTools(): { cli: string; testServer: string } {
  const { TEMPORAL_CLI_PATH: cli, TEMPORAL_TEST_SERVER_PATH: testServer } = process.env;
  if (cli && testServer) return { cli, testServer };
  return JSON.parse(
    execFileSync(process.execPath, [join(repoRoot, 'scripts/temporal-tools.mjs'), '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  ) as { cli: string; testServer: string };
}

/** The seed plan merchant-platform, validated. */
export function merchantPlan(): RolloutPlan {
  const file = join(repoRoot, 'examples/merchant-platform.plan.yaml');
  const parsed = parsePlanDocument(readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(`${file} is invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.plan;
}

/** A plan changed by the benchmark, validated again so the engine never runs something a user could not. */
export function validated(plan: RolloutPlan): RolloutPlan {
  const result = validatePlan(plan);
  if (!result.ok) throw new Error(`bench plan is invalid: ${JSON.stringify(result.errors)}`);
  return result.plan;
}

/** Healthy answers of the fake Prometheus, per metric the seed's guardrails read. */
const HEALTHY: Record<string, string> = {
  error_rate: '1',
  payment_success_rate: '99.5',
  queue_backlog: '10',
};

export interface FakeAdapters {
  /** Adapter configuration pointing every URL at this server. */
  config: Partial<AdaptersConfig>;
  counts: { prometheus: number; notify: number; hooks: number };
  close(): Promise<void>;
}

/**
 * One local HTTP server standing in for Prometheus (`/prom/api/v1/query`, always healthy), the notification
 * webhook (`/notify`) and the rollback hooks (`/hooks/<kind>`). Every call is answered at once.
 */
export async function startFakeAdapters(): Promise<FakeAdapters> {
  const counts = { prometheus: 0, notify: 0, hooks: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/prom/api/v1/query') {
        counts.prometheus++;
        const query = url.searchParams.get('query') ?? '';
        const time = Number(url.searchParams.get('time'));
        const result = [{ metric: { __name__: query }, value: [time, HEALTHY[query] ?? '0'] }];
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
        return;
      }
      if (url.pathname.startsWith('/hooks/')) counts.hooks++;
      else counts.notify++;
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    counts,
    config: {
      notifyDefaultUrl: `${base}/notify`,
      prometheusUrl: `${base}/prom`,
      hookUrls: {
        'revert-deployment': `${base}/hooks/revert-deployment`,
        'restore-backup': `${base}/hooks/restore-backup`,
        'replay-dlq': `${base}/hooks/replay-dlq`,
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The worker's activities over a fresh SQLite file, adapters configured by `adapters` alone. */
@Module({})
class BenchWorkerModule {
  static forRoot(file: string, adapters: Partial<AdaptersConfig>): DynamicModule {
    return {
      module: BenchWorkerModule,
      imports: [PersistenceModule.forRoot({ driver: 'sqlite', file, debug: false })],
      providers: [
        ...ACTIVITY_PROVIDERS,
        { provide: ADAPTERS_CONFIG, useValue: { ...loadAdaptersConfig({}), ...adapters } },
      ],
    };
  }
}

export async function createWorkerContext(adapters: Partial<AdaptersConfig>): Promise<{
  app: INestApplicationContext;
  activities: ReturnType<typeof createActivities>;
  close(): Promise<void>;
}> {
  Logger.overrideLogger(['error', 'warn']);
  const dir = mkdtempSync(join(tmpdir(), 'rollouts-bench-'));
  const app = await NestFactory.createApplicationContext(
    BenchWorkerModule.forRoot(join(dir, 'rollouts.sqlite'), adapters),
    { logger: ['error', 'warn'] },
  );
  return {
    app,
    activities: createActivities(app),
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `promise`, or a failure naming `what` once `ms` of real time have passed without an answer. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const ascending = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);
export const median = (values: readonly number[]): number => percentile(ascending(values), 50);

export const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
