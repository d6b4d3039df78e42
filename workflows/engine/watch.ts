import { durationToMillis, type Guardrail } from '../../libs/plan/src/model';
import {
  condition,
  evaluateGuardrail,
  retentionMs,
  type GuardrailEvaluation,
  type GuardrailOptions,
  type GuardrailOutcome,
  type NoDataState,
} from './guardrails';
import { addSample, emptyWindow, type Sample, type SampleWindow } from './samples';

// What a phase keeps to watch its guardrails: one bounded window per metric and the breaches already
// reported (a guardrail acts once per phase). Plain data, carried across continue-as-new.

export interface WatchState {
  windows: Record<string, SampleWindow>;
  reported: string[];
}

export interface Breach {
  guardrail: Guardrail;
  evaluation: GuardrailEvaluation;
}

export const emptyWatch = (): WatchState => ({ windows: {}, reported: [] });

/** The metrics these guardrails read. */
export const watchedMetrics = (guardrails: readonly Guardrail[]): string[] => [
  ...new Set(guardrails.map((g) => g.metric)),
];

/** The distinct window lengths (ms) of these guardrails. */
export const windowsOf = (guardrails: readonly Guardrail[]): number[] => [
  ...new Set(
    guardrails.flatMap((g) => {
      const ms = g.window ? durationToMillis(g.window) : undefined;
      return ms ? [ms] : [];
    }),
  ),
];

/** Adds readings (ignoring metrics no guardrail reads) and returns the new breaches, each reported once. */
export function observeReadings(
  watch: WatchState,
  guardrails: readonly Guardrail[],
  readings: readonly Sample[],
  now: number,
  options: GuardrailOptions = {},
): Breach[] {
  const metrics = new Set(watchedMetrics(guardrails));
  for (const sample of readings) {
    if (!metrics.has(sample.metric) || sample.at > now) continue;
    const window = watch.windows[sample.metric] ?? emptyWindow(sample.metric);
    watch.windows[sample.metric] = addSample(window, sample, retentionMs(guardrails, sample.metric));
  }
  const breaches: Breach[] = [];
  for (const guardrail of guardrails) {
    if (watch.reported.includes(guardrail.id)) continue;
    const samples = watch.windows[guardrail.metric]?.samples ?? [];
    const evaluation = evaluateGuardrail(guardrail, samples, now, options);
    if (evaluation.outcome !== 'breach') continue;
    watch.reported.push(guardrail.id);
    breaches.push({ guardrail, evaluation });
  }
  return breaches;
}

/** How one guardrail stands, as people read it (the phase's `getGuardrailReadings` query). */
export interface GuardrailReading {
  guardrailId: string;
  title?: string;
  metric: string;
  /** "error_rate > 5% for 5 minutes". */
  condition: string;
  /** Evaluated now over the readings kept: `inconclusive` while the window is not yet covered. */
  outcome: GuardrailOutcome;
  /** The value compared with the threshold (the latest reading or the window's average). */
  value: number | null;
  reason: string;
  /** Whether it has breached in this phase (it acts once). */
  breached: boolean;
  /** Why the metric has no current data, when it has none (outcome `no_data`, or a `breach` policy). */
  noData?: NoDataState;
  /** The metric's latest reading, if any. */
  latest?: Sample;
  /** Readings of the metric kept for its windows. */
  readings: number;
}

/** Each guardrail's standing from the readings kept; reads the watch, changes nothing. */
export function guardrailReadings(
  watch: WatchState,
  guardrails: readonly Guardrail[],
  now: number,
  options: GuardrailOptions = {},
): GuardrailReading[] {
  return guardrails.map((g) => {
    const samples = watch.windows[g.metric]?.samples ?? [];
    const { outcome, value, reason, noData } = evaluateGuardrail(g, samples, now, options);
    return {
      guardrailId: g.id,
      ...(g.title ? { title: g.title } : {}),
      metric: g.metric,
      condition: condition(g),
      outcome,
      value,
      reason,
      breached: watch.reported.includes(g.id),
      ...(noData ? { noData } : {}),
      ...(samples.length ? { latest: samples[samples.length - 1] } : {}),
      readings: samples.length,
    };
  });
}
