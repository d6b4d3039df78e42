import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamicModule, type INestApplicationContext, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ADAPTERS_CONFIG, createActivities, loadAdaptersConfig, type AdaptersConfig } from '../../activities';
import { ACTIVITY_PROVIDERS } from '../../activities/activities.module';
import { PersistenceModule } from '../../libs/persistence/src';
import { parsePlanDocument, validatePlan, type RolloutPlan } from '../../libs/plan/src';
import type { WorkflowHandle } from '@temporalio/client';
import { awaitPhaseUpdate, type EngineState } from '../../workflows/engine/messages';
import type { Actor } from '../../workflows/engine/phase';
import { repoRoot, startFakeAdapters as startSharedFakeAdapters } from '../../test/support';

// What the engine benchmark shares: binaries, a fake adapters endpoint, the worker's Nest context, figures.
// Waiting, ports, binaries and fake HTTP receivers are the suites' own (test/support, compiled with bench/).
export { freePort, repoRoot, sleep, temporalTools, within } from '../../test/support';

export const ops: Actor = { id: 'olga', roles: ['operator'] };
export const rm: Actor = { id: 'rita', roles: ['release-manager'] };

export const progress = (message: string): void => {
  process.stderr.write(`[bench:engine] ${message}\n`);
};

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
  counts: { readonly prometheus: number; readonly notify: number; readonly hooks: number };
  close(): Promise<void>;
}

/**
 * The suites' fake adapters (test/support/fake-adapters.ts): Prometheus (`/prom/api/v1/query`, always
 * healthy), the notification webhook (`/notify`) and the rollback hooks (`/hooks/<kind>`), answered at once.
 */
export async function startFakeAdapters(): Promise<FakeAdapters> {
  const fake = await startSharedFakeAdapters({ prometheus: (metric) => HEALTHY[metric] ?? '0' });
  const calls = (hooks: boolean) =>
    fake.received.filter((r) => new URL(r.path, fake.url).pathname.startsWith('/hooks/') === hooks).length;
  return {
    config: fake.config,
    counts: {
      get prometheus() {
        return fake.prometheusQueries();
      },
      get notify() {
        return calls(false);
      },
      get hooks() {
        return calls(true);
      },
    },
    close: fake.close,
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

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const ascending = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);
export const median = (values: readonly number[]): number => percentile(ascending(values), 50);

export const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

/**
 * The rollout once it stands in `phaseId` (whose workflow then runs and answers), after `after` (none: its
 * first phase): the awaitPhase Update waits in the workflow, nothing polls. Anything else (paused, rolled
 * back, ended) fails the run.
 */
export async function enteredPhase(
  rollout: WorkflowHandle,
  phaseId: string,
  after?: string,
): Promise<EngineState> {
  const state = await rollout.executeUpdate(awaitPhaseUpdate, {
    args: [after === undefined ? {} : { after }],
  });
  if (state.currentPhaseId !== phaseId || state.phases.find((p) => p.id === phaseId)?.status !== 'RUNNING')
    throw new Error(
      `rollout ${state.rolloutId} is ${state.status} in ${state.currentPhaseId ?? 'no phase'}, not in phase ${phaseId}`,
    );
  return state;
}
