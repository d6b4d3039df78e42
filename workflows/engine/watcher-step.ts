import type { Guardrail } from '../../libs/plan/src/model';
import { evaluateGuardrail, type GuardrailEvaluation, type GuardrailOptions } from './guardrails';
import type { NoDataNotice, WatcherReport } from './messages';
import { trackNoData, type NoDataEpisodes, type NoDataSettings } from './no-data';
import type { Sample } from './samples';
import { emptyWatch, observeReadings, type WatchState } from './watch';

/**
 * One reading round of a metric watcher (the long-running activity that watches a live phase's guardrails
 * on Prometheus): the same pure functions the phase workflow uses judge the readings (watch.ts, guardrails.ts,
 * no-data.ts). Plain data in and out: the state is the activity's heartbeat details, so a retried attempt
 * after a worker crash resumes where the last one was.
 */

export interface WatcherState {
  watch: WatchState;
  episodes: NoDataEpisodes;
  /** Epoch ms of the last reading round, if any. */
  lastReadingAt?: number;
}

export const emptyWatcherState = (): WatcherState => ({ watch: emptyWatch(), episodes: {} });

export interface WatcherStepResult {
  /** What the phase must hear (nothing, most rounds). */
  report: WatcherReport;
  /** No-data escalations that came due this round: one message each, per episode. */
  escalations: { guardrailId: string; since: number; message: string }[];
  /** Each guardrail's evaluation now, for display. */
  evaluations: { guardrail: Guardrail; evaluation: GuardrailEvaluation }[];
}

/** Each guardrail evaluated over the readings kept (no state changes). */
export function evaluateAll(
  watch: WatchState,
  guardrails: readonly Guardrail[],
  now: number,
  options: GuardrailOptions,
): { guardrail: Guardrail; evaluation: GuardrailEvaluation }[] {
  return guardrails.map((guardrail) => ({
    guardrail,
    evaluation: evaluateGuardrail(guardrail, watch.windows[guardrail.metric]?.samples ?? [], now, options),
  }));
}

/**
 * Adds one round of readings taken at `now` (mutating `state`) and says what happened: new breaches (each
 * once per phase), no-data episodes that started or ended, and escalations due. `where` names the rollout
 * and phase in escalation messages.
 */
export function watcherStep(
  state: WatcherState,
  guardrails: readonly Guardrail[],
  readings: readonly Sample[],
  now: number,
  options: GuardrailOptions & NoDataSettings,
  where: string,
): WatcherStepResult {
  const breaches = observeReadings(state.watch, guardrails, readings, now, options);
  state.lastReadingAt = now;
  const evaluations = evaluateAll(state.watch, guardrails, now, options);
  const events = trackNoData(state.episodes, evaluations, now, options, where);
  const noData: NoDataNotice[] = [];
  const escalations: WatcherStepResult['escalations'] = [];
  for (const event of events) {
    const { guardrailId, metric, since, state: noDataState } = event.episode;
    const notice = { guardrailId, metric, since, state: noDataState };
    if (event.kind === 'started') noData.push({ kind: 'started', ...notice });
    else if (event.kind === 'ended') noData.push({ kind: 'ended', ...notice, at: event.at });
    else {
      noData.push({ kind: 'escalated', ...notice });
      escalations.push({ guardrailId, since, message: event.message });
    }
  }
  return {
    report: {
      breaches: breaches.map(({ guardrail, evaluation }) => ({
        guardrailId: guardrail.id,
        reason: evaluation.reason,
        value: evaluation.value,
        readings: evaluation.readings,
      })),
      noData,
    },
    escalations,
    evaluations,
  };
}

/**
 * When the next round is due: a cadence after the last one (for a first round, `firstAt`, the phase's
 * entry, when given; else now). It may be in the past:
 * a watcher behind schedule takes the readings it missed, each for its own reading time.
 */
export function nextRoundAt(state: WatcherState, cadenceMs: number, now: number, firstAt?: number): number {
  if (state.lastReadingAt === undefined) return firstAt === undefined ? now : Math.min(now, firstAt);
  return state.lastReadingAt + cadenceMs;
}

/** Whether a report carries anything the phase must hear. */
export const mattersToPhase = (report: WatcherReport): boolean =>
  report.breaches.length > 0 || report.noData.length > 0;

/**
 * Where a phase's watcher starts reading again after the phase continued as new (its previous run stopped
 * the watcher at `stoppedAt`): far enough back that the longest window (`lookbackMs`) is whole at its first
 * reading of the new run, on the schedule of reading times that began at `anchor`, never before it.
 */
export function resumeReadingsFrom(
  anchor: number,
  stoppedAt: number,
  cadenceMs: number,
  lookbackMs: number,
): number {
  const [first, cadence] = [Math.round(anchor), Math.max(1, Math.round(cadenceMs))];
  const from = stoppedAt - lookbackMs - cadence;
  return from <= first ? first : first + Math.ceil((from - first) / cadence) * cadence;
}
