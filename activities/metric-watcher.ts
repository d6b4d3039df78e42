import type { Guardrail } from '../libs/plan/src/model';
import type { GuardrailReadingRecord } from '../libs/persistence/src/guardrail-readings';
import type { MissingDataOutcome } from '../workflows/engine/guardrails';
import type { WatcherReport } from '../workflows/engine/messages';
import type { Sample } from '../workflows/engine/samples';
import {
  emptyWatcherState,
  mattersToPhase,
  nextRoundAt,
  watcherStep,
  type WatcherState,
  type WatcherStepResult,
} from '../workflows/engine/watcher-step';
import { watchedMetrics } from '../workflows/engine/watch';

/** What the phase workflow gives its metric watcher. */
export interface WatchMetricsInput {
  rolloutId: string;
  phaseId: string;
  /** The plan's name (the metric catalogue's per-plan overrides). */
  plan: string;
  /** The phase workflow to report to (its latest run). */
  phaseWorkflowId: string;
  /** "Pilot (checkout, rollout r-1)": names the phase in escalation messages. */
  where: string;
  guardrails: Guardrail[];
  cadenceMs: number;
  missingData?: MissingDataOutcome;
  noDataEscalateAfter?: number;
  /** The channel a no-data episode's one escalation message goes to. */
  escalationChannel: string;
}

/** The watcher's effects, injected so the loop runs against fakes in unit specs. */
export interface WatcherDeps {
  now(): number;
  /** Resolves after `ms`; rejects once the activity is cancelled (which ends the loop). */
  sleep(ms: number): Promise<void>;
  /** Records the state as the activity's heartbeat details (a retried attempt resumes from them). */
  heartbeat(state: WatcherState): void;
  /** One reading of a plan metric at `at` (the catalogue's query and unit); throws when the query fails. */
  query(metric: string, at: number): Promise<Omit<Sample, 'metric' | 'at'>>;
  /** Signals the phase; resolves false when the phase workflow is gone (the watcher then stops). */
  report(report: WatcherReport): Promise<boolean>;
  escalate(escalation: WatcherStepResult['escalations'][number]): Promise<void>;
  display(records: GuardrailReadingRecord[]): Promise<void>;
  warn(message: string, attrs: Record<string, unknown>): void;
}

/** How often a sleeping watcher heartbeats: well within the heartbeat timeout. */
export const heartbeatEvery = (heartbeatTimeoutMs: number | undefined): number =>
  Math.max(100, Math.floor((heartbeatTimeoutMs ?? 30_000) / 3));

/**
 * Watches until cancelled (or the phase is gone): every cadence, reads each metric, judges the windows,
 * reports what matters to the phase, then heartbeats the new state. Reporting comes before the heartbeat: a
 * crash in between repeats a report (the phase ignores what it already knows) but never loses one.
 */
export async function runWatcher(
  input: WatchMetricsInput,
  resumed: WatcherState | undefined,
  deps: WatcherDeps,
  heartbeatEveryMs: number,
): Promise<void> {
  const state = resumed ?? emptyWatcherState();
  const metrics = watchedMetrics(input.guardrails);
  for (;;) {
    // Wait for the round, heartbeating meanwhile (a cadence may be longer than the heartbeat timeout).
    for (;;) {
      const wait = nextRoundAt(state, input.cadenceMs, deps.now()) - deps.now();
      if (wait <= 0) break;
      deps.heartbeat(state);
      await deps.sleep(Math.min(wait, heartbeatEveryMs));
    }
    const at = deps.now();
    const readings = await Promise.all(metrics.map((metric) => read(deps, metric, at)));
    const step = watcherStep(state, input.guardrails, readings, at, settings(input), input.where);
    if (mattersToPhase(step.report) && !(await deps.report(step.report))) return;
    deps.heartbeat(state);
    for (const escalation of step.escalations) {
      await deps
        .escalate(escalation)
        .catch((err: unknown) =>
          deps.warn('No-data escalation not sent (the outbox keeps it)', { ...escalation, err: String(err) }),
        );
    }
    await deps
      .display(displayRecords(input, step, at))
      .catch((err: unknown) => deps.warn('Guardrail readings not written', { err: String(err) }));
  }
}

const settings = (input: WatchMetricsInput) => ({
  cadenceMs: input.cadenceMs,
  escalateAfter: input.noDataEscalateAfter,
  ...(input.missingData ? { missingData: input.missingData } : {}),
});

/** A reading; a failing query is a reading without data (cause `query-failed`), never an end. */
async function read(deps: WatcherDeps, metric: string, at: number): Promise<Sample> {
  try {
    return { ...(await deps.query(metric, at)), metric, at };
  } catch (err) {
    if (isConfigurationFault(err)) throw err;
    return { metric, value: null, at, cause: 'query-failed', detail: (err as Error).message };
  }
}

/** Without PROMETHEUS_URL the watcher cannot work at all: that fails the activity, not a reading. */
const isConfigurationFault = (err: unknown): boolean =>
  (err as { type?: string } | null)?.type === 'MetricsNotConfigured';

export function displayRecords(
  input: WatchMetricsInput,
  step: WatcherStepResult,
  at: number,
): GuardrailReadingRecord[] {
  return step.evaluations.map(({ guardrail, evaluation }) => {
    const latest = evaluation.readings[evaluation.readings.length - 1];
    return {
      rolloutId: input.rolloutId,
      phaseId: input.phaseId,
      guardrailId: guardrail.id,
      metric: guardrail.metric,
      outcome: evaluation.outcome,
      value: evaluation.value,
      reason: evaluation.reason,
      latest: latest ? { ...latest } : null,
      readings: evaluation.readings.length,
      noData: evaluation.noData ? { ...evaluation.noData } : null,
      updatedAt: new Date(at),
    };
  });
}
