import { quickLevel } from '../engine/engine.fixtures';
import type { EngineStatus } from '../engine/messages';
import { planRollback, type RollbackStep } from '../engine/rollback';
import { failureMessage, runRollback, type RollbackRunnerDeps, type StepAction } from './rollback-runner';

// The saga runner on fakes: steps that succeed or throw, conditions that are checked whenever the test
// changes something (as a workflow's are after each activation).

const level = {
  ...quickLevel,
  steps: [
    ...quickLevel.steps,
    { id: 'look', title: 'Look at the dashboards', action: { type: 'manual' as const } },
  ],
};

function harness(failing: Set<string>, recoverable = true) {
  const waits: { check: () => boolean; resolve: () => void }[] = [];
  const settle = () => {
    for (const w of [...waits]) {
      if (!w.check()) continue;
      waits.splice(waits.indexOf(w), 1);
      w.resolve();
    }
  };
  const log: string[] = [];
  let action: StepAction | undefined;
  let stopped = false;
  const confirmed = new Set<string>();
  const deps: RollbackRunnerDeps = {
    run: (step: RollbackStep) => {
      log.push(`run ${step.id}`);
      return failing.has(step.id) ? Promise.reject(new Error(`${step.id}: HTTP 500`)) : Promise.resolve();
    },
    waitUntil: (check) =>
      check() ? Promise.resolve() : new Promise<void>((resolve) => waits.push({ check, resolve })),
    now: () => 1000,
    confirmed: (id) => confirmed.has(id),
    stopped: () => stopped,
    recoverable,
    transition: (status: EngineStatus, what: string, actor = 'engine') => {
      log.push(`${status} by ${actor}: ${what}`);
      return Promise.resolve();
    },
    escalate: (step) => {
      log.push(`escalate ${step.id}`);
      return Promise.resolve();
    },
    pendingAction: () => action,
    actionDone: () => {
      action = undefined;
      settle();
    },
  };
  /** Lets the runner go as far as it can. */
  const flush = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return {
    deps,
    log,
    flush,
    act(a: StepAction) {
      action = a;
      settle();
    },
    confirm(id: string) {
      confirmed.add(id);
      settle();
    },
    stop() {
      stopped = true;
      settle();
    },
  };
}

const progressOf = () => planRollback([], level, { reason: 'r', requestedBy: 'olga' }, 0);

describe('rollback runner', () => {
  test('runs every step in order, waiting for a person at a manual step', async () => {
    const h = harness(new Set());
    const progress = progressOf();
    const outcome = runRollback(progress, h.deps);
    await h.flush();
    expect(progress.steps.map((s) => s.status)).toEqual(['DONE', 'DONE', 'RUNNING']);
    h.confirm('look');
    await expect(outcome).resolves.toEqual({ status: 'ROLLED_BACK' });
    expect(h.log).toEqual(['run revert-deployment', 'run banner']);
  });

  test('a failed step keeps the rollback open (ROLLBACK_FAILED, escalated once); a retry takes it on', async () => {
    const failing = new Set(['revert-deployment']);
    const h = harness(failing);
    const progress = progressOf();
    const outcome = runRollback(progress, h.deps);
    await h.flush();
    expect(h.log).toEqual([
      'run revert-deployment',
      'ROLLBACK_FAILED by engine: rollback failed at step revert-deployment: revert-deployment: HTTP 500',
      'escalate revert-deployment',
    ]);
    failing.clear();
    h.act({ kind: 'retry', stepId: 'revert-deployment', actor: 'olga' });
    await h.flush();
    h.confirm('look');
    await expect(outcome).resolves.toEqual({ status: 'ROLLED_BACK' });
    expect(h.log.slice(3)).toEqual([
      'ROLLING_BACK by olga: rollback step revert-deployment retried by olga',
      'run revert-deployment',
      'run banner',
    ]);
    expect(progress.steps[0]).toMatchObject({ status: 'DONE', failures: 1 });
  });

  test('a step resolved by hand is not run again; the rollback goes on past it', async () => {
    const h = harness(new Set(['banner']));
    const progress = progressOf();
    const outcome = runRollback(progress, h.deps);
    await h.flush();
    h.act({ kind: 'resolve', stepId: 'banner', actor: 'rita', note: 'posted by hand', evidence: 'link' });
    await h.flush();
    h.confirm('look');
    await expect(outcome).resolves.toEqual({ status: 'ROLLED_BACK' });
    expect(h.log.filter((l) => l.startsWith('run'))).toEqual(['run revert-deployment', 'run banner']);
    expect(progress.steps[1]).toMatchObject({ status: 'RESOLVED', resolvedBy: 'rita', evidence: 'link' });
  });

  test('runs recorded before recoverable rollbacks end at the failed step', async () => {
    const h = harness(new Set(['revert-deployment']), false);
    await expect(runRollback(progressOf(), h.deps)).resolves.toEqual({
      status: 'ROLLBACK_FAILED',
      step: 'revert-deployment',
      error: 'revert-deployment: HTTP 500',
    });
    expect(h.log).toEqual(['run revert-deployment']);
  });

  test('a cancellation stops it where it waits', async () => {
    const h = harness(new Set(['revert-deployment']));
    const outcome = runRollback(progressOf(), h.deps);
    await h.flush();
    h.stop();
    await expect(outcome).resolves.toEqual({ status: 'STOPPED' });
  });

  test("an activity failure reads as its cause's message", () => {
    expect(failureMessage({ message: 'Activity task failed', cause: { message: 'HTTP 500' } })).toBe(
      'HTTP 500',
    );
    expect(failureMessage(new Error('plain'))).toBe('plain');
  });
});
