import type { Guardrail } from '../libs/plan/src/model';
import type { GuardrailReadingRecord } from '../libs/persistence/src/guardrail-readings';
import type { MissingDataOutcome } from '../workflows/engine/guardrails';
import type { NoDataEpisodes } from '../workflows/engine/no-data';
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
  /**
   * The first reading time (epoch ms): the phase's entry, so that the readings of the plan's schedule from
   * entry on are all taken even when the watcher starts late. Absent (a phase continued as new, older
   * histories): the first reading is taken when the watcher starts.
   */
  firstReadingAt?: number;
  /**
   * A phase continued as new: what its previous run's watcher knew, so this one does not start with empty
   * windows. `firstReadingAt` then lies a window back (`resumeFrom`): the readings up to `quietUntil` (when
   * the previous run stopped its watcher) are read again to fill the windows; they may report a breach (never
   * one already reported: `reported`) but no no-data notice or escalation (the phase has had those: `episodes`
   * are the episodes still open, carried).
   */
  resume?: WatcherResume;
  missingData?: MissingDataOutcome;
  noDataEscalateAfter?: number;
  /** The channel a no-data episode's one escalation message goes to. */
  escalationChannel: string;
}

export interface WatcherResume {
  reported: string[];
  episodes: NoDataEpisodes;
  quietUntil: number;
}

/** The state a watcher starts from: its heartbeat (a retried attempt), else what the phase carried, else empty. */
export function initialState(input: WatchMetricsInput, resumed: WatcherState | undefined): WatcherState {
  if (resumed) return resumed;
  const state = emptyWatcherState();
  if (input.resume) {
    state.watch.reported.push(...input.resume.reported);
    state.episodes = structuredClone(input.resume.episodes);
  }
  return state;
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
  /**
   * Optional: the readings of a plan metric at several reading times `stepMs` apart with one query (a
   * Prometheus range query), one per time, in order; throws when the query fails. Used when behind.
   */
  queryRange?(
    metric: string,
    times: readonly number[],
    stepMs: number,
  ): Promise<Omit<Sample, 'metric' | 'at'>[]>;
  /** Signals the phase; resolves false when the phase workflow is gone (the watcher then stops). */
  report(report: WatcherReport): Promise<boolean>;
  escalate(escalation: WatcherStepResult['escalations'][number]): Promise<void>;
  display(records: GuardrailReadingRecord[]): Promise<void>;
  /** Optional: told each round's result, for the worker's metrics (evaluations, no-data episodes). */
  observe?(step: WatcherStepResult): void;
  warn(message: string, attrs: Record<string, unknown>): void;
}

/** How often a watcher heartbeats (sleeping or catching up): well within the heartbeat timeout. */
export const heartbeatEvery = (heartbeatTimeoutMs: number | undefined): number =>
  Math.max(100, Math.floor((heartbeatTimeoutMs ?? 30_000) / 3));

/** Tuning of the loop (defaults: `watcherTuning`). */
export interface WatcherTuning {
  /** Heartbeat at most this often while reading (sleeping, it heartbeats every such chunk of sleep). */
  heartbeatEveryMs: number;
  /**
   * Display rows are written at once when a guardrail's outcome (or no-data cause) changes, otherwise at
   * most this often (wall time), and once more when the watcher stops, so the latest standing is kept.
   */
  displayEveryMs: number;
  /** Behind schedule, at most this many reading rounds are queried at once (instant queries in parallel). */
  batchRounds: number;
  /** With `queryRange`, at most this many rounds per range query (Prometheus answers up to 11,000 points). */
  rangeRounds: number;
  /**
   * A watcher behind by more than this (Prometheus's retention) does not query what is gone: the reading
   * times older than it are one round without data (cause `query-failed`, "not read"), a no-data episode
   * that ends at the first reading it can take.
   */
  maxCatchUpMs: number;
}

export const watcherTuning = (heartbeatTimeoutMs: number | undefined): WatcherTuning => ({
  heartbeatEveryMs: heartbeatEvery(heartbeatTimeoutMs),
  displayEveryMs: 5_000,
  batchRounds: 16,
  rangeRounds: 1_000,
  maxCatchUpMs: 15 * 86_400_000, // Prometheus's default retention
});

/**
 * Watches until cancelled (or the phase is gone). Readings are taken at the plan's reading times: the first
 * at once, then one every cadence after the last (`nextRoundAt`), each query made for its reading time (a
 * Prometheus instant query at `time`), so a watcher that falls behind (a busy worker, a retried attempt)
 * catches up, taking the readings it missed in batches of up to `batchRounds` rounds, judged in order. A
 * round reads each metric, judges the windows, reports what matters to the phase, then (throttled)
 * heartbeats the new state. Reporting comes before the heartbeat: a crash in between repeats a report (the
 * phase ignores what it already knows) and the readings since the last heartbeat, but never loses one.
 */
export async function runWatcher(
  input: WatchMetricsInput,
  resumed: WatcherState | undefined,
  deps: WatcherDeps,
  tuningOrHeartbeatMs: WatcherTuning | number,
): Promise<void> {
  const tuning: WatcherTuning =
    typeof tuningOrHeartbeatMs === 'number'
      ? { ...watcherTuning(undefined), heartbeatEveryMs: tuningOrHeartbeatMs }
      : tuningOrHeartbeatMs;
  const state = initialState(input, resumed);
  const quietUntil = input.resume?.quietUntil ?? -Infinity;
  const metrics = watchedMetrics(input.guardrails);
  // Reading times in whole milliseconds, as Prometheus takes them (a scaled plan may give a fractional one).
  const cadenceMs = Math.max(1, Math.round(input.cadenceMs));
  const firstAt = input.firstReadingAt === undefined ? undefined : Math.round(input.firstReadingAt);
  const display = displayThrottle(deps, tuning.displayEveryMs);
  let lastHeartbeat = -Infinity;
  const heartbeat = () => {
    deps.heartbeat(state);
    lastHeartbeat = deps.now();
  };
  /** A round's report to the phase, its escalations, its display rows; false once the phase is gone. */
  const deliver = async (step: WatcherStepResult, at: number): Promise<boolean> => {
    if (mattersToPhase(step.report) && !(await deps.report(step.report))) return false;
    for (const escalation of step.escalations) {
      await deps
        .escalate(escalation)
        .catch((err: unknown) =>
          deps.warn('No-data escalation not sent (the outbox keeps it)', { ...escalation, err: String(err) }),
        );
    }
    await display.offer(displayRecords(input, step, at));
    return true;
  };
  try {
    for (;;) {
      // Wait for the next reading time, heartbeating meanwhile (a cadence may be longer than the timeout).
      for (;;) {
        const wait = nextRoundAt(state, cadenceMs, deps.now(), firstAt) - deps.now();
        if (wait <= 0) break;
        if (deps.now() - lastHeartbeat >= tuning.heartbeatEveryMs) heartbeat();
        await deps.sleep(Math.min(wait, tuning.heartbeatEveryMs));
      }
      const now = deps.now();
      if (now - nextRoundAt(state, cadenceMs, now, firstAt) > tuning.maxCatchUpMs) {
        const step = skipUnreadable(state, input, metrics, cadenceMs, now - tuning.maxCatchUpMs, firstAt);
        deps.warn('Metric watcher too far behind: readings older than the retention are not read', {
          from: new Date(step.at).toISOString(),
          until: new Date(step.until).toISOString(),
        });
        if (!(await deliver(step, step.at))) return;
        continue;
      }
      // Every reading time due by now (several when behind), at most batchRounds of them, queried together.
      const most = Math.max(1, deps.queryRange ? tuning.rangeRounds : tuning.batchRounds);
      const times: number[] = [];
      for (let at = nextRoundAt(state, cadenceMs, now, firstAt); at <= now && times.length < most;) {
        times.push(at);
        at += cadenceMs;
      }
      const rounds = await readRounds(deps, metrics, times, cadenceMs);
      for (const [i, at] of times.entries()) {
        const step = watcherStep(state, input.guardrails, rounds[i], at, settings(input), input.where);
        // Re-read after a continue-as-new: the phase has had this time's no-data notices and escalations.
        const quiet = at <= quietUntil;
        if (quiet) [step.report.noData, step.escalations] = [[], []];
        else deps.observe?.(step);
        if (!(await deliver(step, at))) return;
      }
      if (deps.now() - lastHeartbeat >= tuning.heartbeatEveryMs) heartbeat();
      // Behind schedule the loop does not sleep: a zero sleep still lets a cancellation end it.
      if (times.length > 1) await deps.sleep(0);
    }
  } finally {
    await display.flush();
  }
}

/**
 * The reading times from the next one to before `readableFrom` are gone from Prometheus: one round without
 * data at the last of them stands for them all, its no-data episode dated from the first (the next reading
 * ends it when it has data), and the next round is the first reading time from `readableFrom` on.
 */
function skipUnreadable(
  state: WatcherState,
  input: WatchMetricsInput,
  metrics: readonly string[],
  cadenceMs: number,
  readableFrom: number,
  firstAt: number | undefined,
): WatcherStepResult & { at: number; until: number } {
  const from = nextRoundAt(state, cadenceMs, readableFrom, firstAt);
  const rounds = Math.ceil((readableFrom - from) / cadenceMs);
  const [until, at] = [from + rounds * cadenceMs, from + (rounds - 1) * cadenceMs];
  const detail = `not read: ${rounds} reading(s) from ${new Date(from).toISOString()} are older than Prometheus keeps samples`;
  const readings = metrics.map((metric) => ({
    metric,
    value: null,
    at,
    cause: 'query-failed' as const,
    detail,
  }));
  const step = watcherStep(state, input.guardrails, readings, at, settings(input), input.where);
  for (const notice of step.report.noData) {
    if (notice.kind !== 'started') continue;
    notice.since = from;
    state.episodes[notice.guardrailId].since = from;
  }
  return { ...step, at, until };
}

/** Display writes: at once on a change of outcome, else at most every `everyMs`; `flush` writes what is left. */
function displayThrottle(deps: WatcherDeps, everyMs: number) {
  let written: string | undefined;
  let writtenAt = -Infinity;
  let pending: GuardrailReadingRecord[] | undefined;
  const write = async (records: GuardrailReadingRecord[]) => {
    pending = undefined;
    written = standing(records);
    writtenAt = deps.now();
    await deps
      .display(records)
      .catch((err: unknown) => deps.warn('Guardrail readings not written', { err: String(err) }));
  };
  return {
    offer: (records: GuardrailReadingRecord[]) => {
      if (standing(records) !== written || deps.now() - writtenAt >= everyMs) return write(records);
      pending = records;
      return Promise.resolve();
    },
    flush: () => (pending ? write(pending) : Promise.resolve()),
  };
}

/** What makes a display write urgent: each guardrail's outcome and no-data cause. */
const standing = (records: readonly GuardrailReadingRecord[]): string =>
  records.map((r) => `${r.guardrailId}:${r.outcome}:${r.noData?.cause ?? ''}`).join('|');

const settings = (input: WatchMetricsInput) => ({
  cadenceMs: input.cadenceMs,
  escalateAfter: input.noDataEscalateAfter,
  ...(input.missingData ? { missingData: input.missingData } : {}),
});

/** The readings of each metric at each time: instant queries, or one range query per metric when behind. */
async function readRounds(
  deps: WatcherDeps,
  metrics: readonly string[],
  times: readonly number[],
  stepMs: number,
): Promise<Sample[][]> {
  if (times.length === 1 || !deps.queryRange)
    return Promise.all(times.map((at) => Promise.all(metrics.map((metric) => read(deps, metric, at)))));
  const perMetric = await Promise.all(
    metrics.map(async (metric): Promise<Sample[]> => {
      try {
        const values = await deps.queryRange!(metric, times, stepMs);
        return times.map((at, i) => ({ ...values[i], metric, at }));
      } catch (err) {
        if (isConfigurationFault(err)) throw err;
        const detail = (err as Error).message;
        return times.map((at) => ({ metric, value: null, at, cause: 'query-failed' as const, detail }));
      }
    }),
  );
  return times.map((_, i) => perMetric.map((readings) => readings[i]));
}

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
