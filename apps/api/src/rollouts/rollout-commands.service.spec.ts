import { type Client, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import { EMPTY_CATALOGUE, type MetricCatalogue } from '../../../../workflows/engine/catalogue';
import { errorRateGuardrail, pilotPhase } from '../../../../workflows/engine/engine.fixtures';
import type { EngineState } from '../../../../workflows/engine/messages';
import { enterPhase } from '../../../../workflows/engine/phase';
import type { AuditLogService } from '../../../../libs/persistence/src';
import type { RolloutPlan } from '../../../../libs/plan/src';
import type { TemporalConfig } from '../../../../libs/temporal/src';
import type { ApiConfig } from '../api.config';
import type { PlansService } from '../plans/plans.service';
import type { Rollout } from './models/rollout.model';
import { RolloutCommandsService } from './rollout-commands.service';
import type { Answered, RolloutReadsService } from './rollout-reads.service';

// The commands talk to Temporal through a recording fake: which calls they make, in which order, with which
// arguments. No polling: each action is one Update (or two: a sign-off, then awaitPhase), answered once.

const rita = { id: 'rita', roles: ['release-manager'] };
const plan: Pick<RolloutPlan, 'metadata' | 'phases' | 'guardrails'> & { reviews: [] } = {
  metadata: { name: 'p' },
  phases: [pilotPhase, { ...pilotPhase, id: 'general', name: 'General' }],
  guardrails: [],
  reviews: [],
};
const entered: EngineState = {
  rolloutId: 'r1',
  plan: 'p',
  status: 'RUNNING',
  currentPhaseId: 'pilot',
  breaches: [],
  startedBy: 'rita',
  startedAt: 0,
  phases: [],
  compensations: [],
  reviews: [],
  events: [],
};

interface Call {
  workflowId: string;
  what: string;
  args?: unknown;
}

function fixture(
  awaitPhase: () => Promise<EngineState>,
  actionTimeoutMs = 30_000,
  options: { api?: Partial<ApiConfig>; plan?: typeof plan } = {},
) {
  const thePlan = options.plan ?? plan;
  const calls: Call[] = [];
  const handle = (workflowId: string) => ({
    workflowId,
    describe: () => Promise.reject(new WorkflowNotFoundError('not found', workflowId, undefined)),
    query: (def: { name: string }) => {
      calls.push({ workflowId, what: `query ${def.name}` });
      return Promise.resolve(workflowId === 'rollout-r1' ? entered : enterPhase(pilotPhase, 0));
    },
    signal: (def: { name: string }, arg: unknown) => {
      calls.push({ workflowId, what: `signal ${def.name}`, args: arg });
      return Promise.resolve();
    },
    executeUpdate: (def: { name: string }, options: { args: unknown[] }) => {
      calls.push({ workflowId, what: def.name, args: options.args[0] });
      return def.name === 'awaitPhase' ? awaitPhase() : Promise.resolve(enterPhase(pilotPhase, 0));
    },
  });
  const client = {
    connection: { withDeadline: <T>(_: number, fn: () => Promise<T>) => fn() },
    workflow: {
      getHandle: handle,
      start: (type: string, options: Record<string, unknown>) => {
        calls.push({ workflowId: options.workflowId as string, what: `start ${type}`, args: options });
        return Promise.resolve(handle(options.workflowId as string));
      },
    },
  } as unknown as Client;
  const read = jest.fn((id: string, answered: Answered = {}) =>
    Promise.resolve({ id, status: answered.state?.status ?? 'QUERIED' } as unknown as Rollout),
  );
  const reads = {
    remember: () => undefined,
    planOf: () => Promise.resolve(thePlan),
    read,
  } as unknown as RolloutReadsService;
  const plans = {
    version: () => Promise.resolve({ id: 'p@1', plan: thePlan }),
  } as unknown as PlansService;
  const service = new RolloutCommandsService(
    client,
    { taskQueue: 'q', uiUrl: 'http://ui', namespace: 'default' } as unknown as TemporalConfig,
    { actionTimeoutMs, metricCatalogue: EMPTY_CATALOGUE, ...options.api } as ApiConfig,
    plans,
    reads,
    {} as AuditLogService,
  );
  return { service, calls, read };
}

describe('rollout commands', () => {
  test('start: the workflow (REJECT_DUPLICATE), then one awaitPhase Update; answered with the state it gave', async () => {
    const { service, calls, read } = fixture(() => Promise.resolve(entered));
    const rollout = await service.start({ planVersionId: 'p@1', id: 'r1' }, 'rita');
    const started = calls.find((c) => c.what === 'start planRolloutWorkflow');
    expect(started?.args).toMatchObject({
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    expect(calls.filter((c) => c.workflowId === 'rollout-r1').map((c) => [c.what, c.args])).toEqual([
      ['start planRolloutWorkflow', expect.anything()],
      ['awaitPhase', {}],
    ]);
    expect(read).toHaveBeenCalledWith('r1', { state: entered });
    expect(rollout.status).toBe('RUNNING');
  });

  test('start without a worker: answered PENDING as it stands, within the action deadline', async () => {
    const { service, calls } = fixture(() => new Promise<EngineState>(() => undefined), 1_000);
    // The awaitPhase Update never answers: the start answers all the same, at its (1 s) deadline.
    const rollout = await service.start({ planVersionId: 'p@1', id: 'r1' }, 'rita');
    expect(rollout.status).toBe('PENDING');
    expect(rollout.phases.map((p) => p.status)).toEqual(['PENDING', 'PENDING']);
    expect(calls.filter((c) => c.what === 'awaitPhase')).toHaveLength(1);
  });

  test('sign-off: the Update on the phase, then awaitPhase after that phase on the rollout, then one read', async () => {
    const next = { ...entered, currentPhaseId: 'general' };
    const { service, calls, read } = fixture(() => Promise.resolve(next));
    await service.signOff('r1', 'pilot', rita, 'go');
    expect(
      calls.filter((c) => !c.what.startsWith('query')).map((c) => [c.workflowId, c.what, c.args]),
    ).toEqual([
      ['rollout-r1-phase-pilot', 'signOffGate', { actor: rita, note: 'go' }],
      ['rollout-r1', 'awaitPhase', { after: 'pilot' }],
    ]);
    expect(read).toHaveBeenCalledTimes(1);
    expect(read.mock.calls[0][1]?.state).toBe(next);
  });

  test('a rollout Update is answered with the state the engine answered, not a second query', async () => {
    const { service, calls, read } = fixture(() => Promise.resolve(entered));
    await service.resolveRollbackStep('r1', rita, 'revert', 'reverted by hand', 'https://ci/42');
    expect(calls).toEqual([
      {
        workflowId: 'rollout-r1',
        what: 'resolveRollbackStep',
        args: { actor: rita, stepId: 'revert', note: 'reverted by hand', evidence: 'https://ci/42' },
      },
    ]);
    expect(read.mock.calls[0][1]?.state).toBeDefined();
  });

  describe('metrics (parameters.metrics)', () => {
    const catalogue = (unit: string): MetricCatalogue => ({
      source: '/etc/rollouts/catalogue.yaml',
      strict: true,
      metrics: { error_rate: { query: 'sum(rate(errors[1m]))', unit } },
    });
    const guarded = { ...plan, guardrails: [errorRateGuardrail()] };
    const startArgs = (calls: Call[]) =>
      (calls.find((c) => c.what === 'start planRolloutWorkflow')?.args as {
        args: unknown[];
        memo: unknown;
      }) ?? { args: [], memo: undefined };

    test('default: Prometheus when PROMETHEUS_URL is configured, at a minute; the memo keeps the choice', async () => {
      const { service, calls } = fixture(() => Promise.resolve(entered), 30_000, {
        api: { prometheusUrl: 'http://prometheus:9090' },
      });
      await service.start({ planVersionId: 'p@1', id: 'r1' }, 'rita');
      const { args, memo } = startArgs(calls);
      expect(args[0]).toMatchObject({ parameters: { metrics: { source: 'prometheus', cadenceMs: 60_000 } } });
      expect(memo).toMatchObject({ metrics: { source: 'prometheus', cadenceSeconds: 60 } });
    });

    test('default without PROMETHEUS_URL: pushed; a cadence given as a duration', async () => {
      const { service, calls } = fixture(() => Promise.resolve(entered));
      await service.start(
        { planVersionId: 'p@1', id: 'r1', timeScale: 0.5, metrics: { cadence: '2s' } },
        'rita',
      );
      expect(startArgs(calls).args[0]).toMatchObject({
        parameters: { timeScale: 0.5, metrics: { source: 'pushed', cadenceMs: 2_000 } },
      });
    });

    test('Prometheus asked for without PROMETHEUS_URL, or a cadence out of bounds: refused, nothing started', async () => {
      const { service, calls } = fixture(() => Promise.resolve(entered));
      await expect(
        service.start({ planVersionId: 'p@1', id: 'r1', metrics: { source: 'prometheus' } }, 'rita'),
      ).rejects.toMatchObject({
        message: expect.stringContaining('PROMETHEUS_URL') as unknown,
        extensions: { code: 'BAD_USER_INPUT' },
      });
      await expect(
        service.start({ planVersionId: 'p@1', id: 'r1', metrics: { cadenceSeconds: 0.2 } }, 'rita'),
      ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(calls).toEqual([]);
    });

    test('a guardrail whose unit cannot be compared with its metric: refused naming both units, nothing started', async () => {
      const { service, calls } = fixture(() => Promise.resolve(entered), 30_000, {
        api: { metricCatalogue: catalogue('ms') },
        plan: guarded,
      });
      const refused = service.start({ planVersionId: 'p@1', id: 'r1' }, 'rita');
      await expect(refused).rejects.toMatchObject({
        extensions: {
          code: 'BAD_USER_INPUT',
          unitMismatches: [
            { metric: 'error_rate', guardrailId: 'error-rate', metricUnit: 'ms', guardrailUnit: '%' },
          ],
        },
      });
      await expect(refused).rejects.toThrow(/"ms".*"%"/);
      expect(calls).toEqual([]);
    });

    test('a ratio against a percent threshold, or an unmapped metric: started', async () => {
      for (const metricCatalogue of [catalogue('ratio'), { ...catalogue('ratio'), metrics: {} }]) {
        const { service, calls } = fixture(() => Promise.resolve(entered), 30_000, {
          api: { metricCatalogue },
          plan: guarded,
        });
        await service.start({ planVersionId: 'p@1', id: 'r1' }, 'rita');
        expect(calls.some((c) => c.what === 'start planRolloutWorkflow')).toBe(true);
      }
    });

    test('recordMetricSample: the reading carries the catalogue unit of its metric (none when unknown)', async () => {
      for (const [metricCatalogue, unit] of [
        [catalogue('ratio'), 'ratio'],
        [EMPTY_CATALOGUE, undefined],
      ] as const) {
        const { service, calls } = fixture(() => Promise.resolve(entered), 30_000, {
          api: { metricCatalogue },
          plan: guarded,
        });
        await service.pushMetricSample('r1', { metric: 'error_rate', value: 0.09, at: 5 });
        const sent = calls.find((c) => c.what === 'signal metricReading');
        expect(sent).toEqual({
          workflowId: 'rollout-r1-phase-pilot',
          what: 'signal metricReading',
          args: { metric: 'error_rate', value: 0.09, at: 5, ...(unit ? { unit } : {}) },
        });
      }
    });
  });
});
