import {
  describeDuration,
  durationToMillis,
  type Guardrail,
  type NoDataPolicy,
  type Operator,
  type RolloutPlan,
} from '../../libs/plan/src/model';
import type { Sample, SampleNoDataCause } from './samples';
import { canonicalUnit, convert, UnitMessages } from './units';

/**
 * Guardrail decisions as pure functions of (guardrail, readings, now). A reading stands for the metric
 * until the next one, but for at most `maxGapMs`: beyond that nobody knows what the metric did, and the
 * answer is the configured missing-data outcome, never a silent breach. A null reading is a hole in the
 * data, treated exactly like a missing reading.
 *
 * Units: a reading carries the unit of its source (the metric catalogue's); it is converted into the
 * guardrail's unit before any comparison, so every decision is taken in the guardrail's unit. A reading
 * whose unit cannot be reconciled is no data (cause `unit`), never compared.
 *
 * No data is a state: when the metric has no current value (no reading with a value within the max gap:
 * no series, a failed query, no catalogue entry, silence) the outcome is `no_data` with its cause, never
 * `ok`, whatever older readings said. The guardrail's `noData` policy may turn it into a breach (`breach`)
 * or ask for a pause (`pause`, outcome `no_data`: the workflow pauses). Readings that flow but do not yet
 * cover the window (a phase just entered, a past gap) are `inconclusive`.
 */

export type GuardrailOutcome = 'ok' | 'breach' | 'inconclusive' | 'no_data';
/** The workflow-wide missing-data rule of older rollouts (`MetricsSettings.missingData`). */
export type MissingDataOutcome = 'ok' | 'breach' | 'inconclusive';
/** Why a guardrail has no data: a reading's own cause, or `no-readings` (nothing arrived within the max gap). */
export type NoDataCause = SampleNoDataCause | 'no-readings';

export interface NoDataState {
  cause: NoDataCause;
  /** "no series for error_rate", "query failed: …", "no reading since 12:05 (more than 2 minutes)". */
  detail: string;
  /** The guardrail's policy (inconclusive unless the plan says otherwise). */
  policy: NoDataPolicy;
}

export interface GuardrailOptions {
  /** How often readings are taken; the default max gap is two of these. */
  cadenceMs?: number;
  /** Longest stretch without a reading that still counts as covered. `Infinity` for sources that hold values. */
  maxGapMs?: number;
  missingData?: MissingDataOutcome;
  /**
   * Readings hold their value until the next one (a simulated source reads only at changes): an aggregate
   * weights each reading by how long it held within the window rather than counting readings.
   */
  timeWeighted?: boolean;
}

export interface GuardrailEvaluation {
  outcome: GuardrailOutcome;
  /** The readings that decided the outcome (for a breach: all of them, to be recorded with it). */
  readings: Sample[];
  /** The value compared with the threshold: the latest reading, or the window's average. */
  value: number | null;
  reason: string;
  /** Present when the metric has no current data (outcome `no_data`, or `breach` under a `breach` policy). */
  noData?: NoDataState;
}

export const DEFAULT_CADENCE_MS = 60_000;
export const DEFAULT_MISSING_DATA: MissingDataOutcome = 'inconclusive';

/** Whether a value is on the breaching side of a threshold. */
export const COMPARE: Record<Operator, (value: number, threshold: number) => boolean> = {
  '>': (v, t) => v > t,
  '>=': (v, t) => v >= t,
  '<': (v, t) => v < t,
  '<=': (v, t) => v <= t,
};

const OPERATOR_WORDS: Record<Operator, string> = {
  '>': 'above',
  '>=': 'at or above',
  '<': 'below',
  '<=': 'at or below',
};

export const GuardrailMessages = {
  NO_READINGS: 'no readings',
  NO_VALUE: (at: string) => `the reading at ${at} has no value`,
  STALE: (at: string, maxGap: string) => `the latest reading, at ${at}, is older than ${maxGap}`,
  STARTS_LATE: (windowStart: string) => `no reading at or shortly before the window start ${windowStart}`,
  GAP: (from: string, to: string, maxGap: string) =>
    `no reading between ${from} and ${to} (more than ${maxGap})`,
  NO_RECENT: (since: string, maxGap: string) => `no reading since ${since} (more than ${maxGap})`,
  BAD_WINDOW: (window: string) => `window "${window}" is not a usable duration`,
  MISSING: (why: string, outcome: MissingDataOutcome) => `missing data (${why}), treated as ${outcome}`,
  NO_DATA: (why: string, policy: NoDataPolicy) =>
    `no data (${why}), ${policy === 'inconclusive' ? 'inconclusive' : policy === 'pause' ? 'pauses the rollout' : 'treated as a breach'}`,
  NO_SERIES: (metric: string) => `the query of ${metric} answered no series`,
  QUERY_FAILED: (detail?: string) => `the query failed${detail ? `: ${detail}` : ''}`,
  UNMAPPED: (metric: string) => `${metric} has no entry in the metric catalogue`,
} as const;

/** The guardrails watching a phase: those naming it, and those with no `phases` (the whole rollout). */
export function guardrailsFor(plan: Pick<RolloutPlan, 'guardrails'>, phaseId: string): Guardrail[] {
  return plan.guardrails.filter((g) => !g.phases || g.phases.includes(phaseId));
}

/** How far back the sample window of `metric` must reach for these guardrails (for `addSample`). */
export function retentionMs(guardrails: readonly Guardrail[], metric: string): number {
  return guardrails
    .filter((g) => g.metric === metric && g.window)
    .reduce((longest, g) => Math.max(longest, durationToMillis(g.window as string) ?? 0), 0);
}

interface Settings {
  maxGapMs: number;
  missingData: MissingDataOutcome;
  timeWeighted: boolean;
  /**
   * A rollout started with a workflow-wide `missingData` rule, on a guardrail without its own `noData`:
   * outcomes are exactly those of before (recorded histories replay), the no-data state is only reported.
   */
  legacy: boolean;
}

function settingsOf(guardrail: Guardrail, options: GuardrailOptions): Settings {
  const cadenceMs = options.cadenceMs ?? DEFAULT_CADENCE_MS;
  return {
    maxGapMs: options.maxGapMs ?? cadenceMs * 2,
    missingData: options.missingData ?? DEFAULT_MISSING_DATA,
    timeWeighted: options.timeWeighted ?? false,
    legacy: guardrail.noData === undefined && options.missingData !== undefined,
  };
}

export function evaluateGuardrail(
  guardrail: Guardrail,
  samples: readonly Sample[],
  now: number,
  options: GuardrailOptions = {},
): GuardrailEvaluation {
  const settings = settingsOf(guardrail, options);
  const readings = readingsUpTo(samples, guardrail, now);
  if (!guardrail.window) return evaluateLatest(guardrail, readings, now, settings);
  const windowMs = durationToMillis(guardrail.window);
  // Plans are validated before they run; an unusable window is a configuration fault, not missing data.
  if (windowMs === undefined)
    return verdict('inconclusive', [], null, GuardrailMessages.BAD_WINDOW(guardrail.window));
  const window = coveringReadings(readings, now - windowMs, now, settings.maxGapMs);
  // No current value: no data, whatever older readings in the window said (never a silent "healthy").
  const silence = settings.legacy ? undefined : currentNoData(guardrail, readings, now, settings.maxGapMs);
  if (silence) return noData(guardrail, window.considered, silence);
  return guardrail.mode === 'aggregate'
    ? evaluateAggregate(guardrail, window, settings, { start: now - windowMs, now })
    : evaluateSustained(guardrail, window, settings);
}

/**
 * This metric's readings taken by `now`, oldest first, in the guardrail's unit. Later ones (clock skew) are
 * not yet known. A reading whose unit cannot be reconciled with the guardrail's becomes a hole (cause `unit`).
 */
function readingsUpTo(samples: readonly Sample[], g: Guardrail, now: number): Sample[] {
  return samples
    .filter((s) => s.metric === g.metric && s.at <= now)
    .sort((a, b) => a.at - b.at)
    .map((s) => inGuardrailUnit(s, g));
}

/** The reading expressed in the guardrail's unit (unchanged when either unit is absent). */
export function inGuardrailUnit(sample: Sample, g: Pick<Guardrail, 'unit'>): Sample {
  if (sample.value === null || sample.unit === undefined || g.unit === undefined) return sample;
  const value = convert(sample.value, sample.unit, g.unit);
  if (value === undefined)
    return {
      metric: sample.metric,
      value: null,
      at: sample.at,
      unit: sample.unit,
      cause: 'unit',
      detail: UnitMessages.MISMATCH(sample.unit, g.unit),
    };
  return { ...sample, value, unit: canonicalUnit(g.unit) };
}

/**
 * The no-data state when the metric has no current value: no reading with a value within `maxGapMs` of
 * now. Its cause is the latest reading's (no series, query failed, unmapped, unit), else `no-readings`.
 */
export function currentNoData(
  g: Guardrail,
  readings: readonly Sample[],
  now: number,
  maxGapMs: number,
): NoDataState | undefined {
  const present = lastWhere(readings, (r) => r.value !== null);
  if (present && now - present.at <= maxGapMs) return undefined;
  const policy = g.noData ?? 'inconclusive';
  const latest = readings[readings.length - 1];
  if (latest && latest.value === null && (!present || latest.at > present.at))
    return { cause: latest.cause ?? 'no-series', detail: noDataDetail(g.metric, latest), policy };
  const detail = present
    ? GuardrailMessages.NO_RECENT(clock(present.at, now), span(maxGapMs))
    : GuardrailMessages.NO_READINGS;
  return { cause: 'no-readings', detail, policy };
}

function noDataDetail(metric: string, reading: Sample): string {
  const M = GuardrailMessages;
  switch (reading.cause) {
    case 'query-failed':
      return M.QUERY_FAILED(reading.detail);
    case 'unmapped':
      return M.UNMAPPED(metric);
    case 'unit':
      return reading.detail ?? 'units cannot be reconciled';
    default:
      return M.NO_SERIES(metric);
  }
}

function evaluateLatest(g: Guardrail, readings: Sample[], now: number, s: Settings): GuardrailEvaluation {
  const latest = readings[readings.length - 1];
  if (!s.legacy) {
    const silence = currentNoData(g, latest ? [latest] : [], now, s.maxGapMs);
    if (silence) return noData(g, latest ? [latest] : [], silence);
  }
  if (!latest) return missing(g, [], s, GuardrailMessages.NO_READINGS);
  const at = clock(latest.at, now);
  if (latest.value === null) return missing(g, [latest], s, GuardrailMessages.NO_VALUE(at));
  if (now - latest.at > s.maxGapMs)
    return missing(g, [latest], s, GuardrailMessages.STALE(at, span(s.maxGapMs)));
  const breached = breaches(g, latest.value);
  const text = `${formatValue(latest.value, g.unit)} at ${at}, ${breached ? '' : 'not '}${OPERATOR_WORDS[g.operator]}`;
  return verdict(breached ? 'breach' : 'ok', [latest], latest.value, `${condition(g)}: ${text}`);
}

interface CoveringReadings {
  /** Non-null readings standing for the window: the one in force at its start, then those inside it. */
  readings: Sample[];
  /** Every reading considered, nulls included, for the record when data is missing. */
  considered: Sample[];
  /** Why the readings do not cover the window, if they do not. */
  gap?: string;
}

/**
 * The readings that stand for [start, now]. The reading in force at `start` must be at most `maxGapMs`
 * older than it, consecutive readings at most `maxGapMs` apart, and the last at most `maxGapMs` before now.
 */
function coveringReadings(
  readings: Sample[],
  start: number,
  now: number,
  maxGapMs: number,
): CoveringReadings {
  const anchor = lastWhere(readings, (r) => r.at <= start && r.value !== null);
  const inside = readings.filter((r) => r.at > start);
  const usableAnchor = anchor && start - anchor.at <= maxGapMs ? [anchor] : [];
  const considered = [...usableAnchor, ...inside];
  const present = considered.filter((r) => r.value !== null);
  return { readings: present, considered, gap: coverageGap(present, start, now, maxGapMs) };
}

function coverageGap(present: Sample[], start: number, now: number, maxGapMs: number): string | undefined {
  const M = GuardrailMessages;
  if (present.length === 0) return M.NO_READINGS;
  if (present[0].at > start) return M.STARTS_LATE(clock(start, now));
  for (let i = 1; i < present.length; i++) {
    const [a, b] = [present[i - 1].at, present[i].at];
    if (b - a > maxGapMs) return M.GAP(clock(a, now), clock(b, now), span(maxGapMs));
  }
  const last = present[present.length - 1].at;
  return now - last > maxGapMs ? M.NO_RECENT(clock(last, now), span(maxGapMs)) : undefined;
}

/** Breached only if every reading breached and they cover the whole window; one healthy reading settles it. */
function evaluateSustained(g: Guardrail, w: CoveringReadings, s: Settings): GuardrailEvaluation {
  const word = OPERATOR_WORDS[g.operator];
  const healthy = w.readings.filter((r) => !breaches(g, r.value as number));
  const latestValue = w.readings[w.readings.length - 1]?.value ?? null;
  if (healthy.length > 0) {
    const last = healthy[healthy.length - 1];
    const text = `not sustained, ${healthy.length} of ${readingCount(w.readings.length)} ${between(w.readings)} not ${word} (last ${formatValue(last.value as number, g.unit)} at ${clock(last.at, last.at)})`;
    return verdict('ok', healthy, latestValue, `${condition(g)}: ${text}`);
  }
  if (w.gap) return missing(g, w.considered, s, w.gap);
  const text = `${readingCount(w.readings.length)} ${between(w.readings)}, all ${word}`;
  return verdict('breach', w.readings, latestValue, `${condition(g)}: ${text}`);
}

/**
 * The mean over the window: with a steady cadence, the plain mean of the covering readings; with held values,
 * each reading weighted by how long it was in force within the window.
 */
function evaluateAggregate(
  g: Guardrail,
  w: CoveringReadings,
  s: Settings,
  bounds: { start: number; now: number },
): GuardrailEvaluation {
  if (w.gap) return missing(g, w.considered, s, w.gap);
  const average = s.timeWeighted ? timeWeightedMean(w.readings, bounds) : plainMean(w.readings);
  const breached = breaches(g, average);
  const kind = s.timeWeighted ? 'time-weighted average' : 'average';
  const text = `${kind} ${formatValue(average, g.unit)} of ${readingCount(w.readings.length)} ${between(w.readings)}, ${breached ? '' : 'not '}${OPERATOR_WORDS[g.operator]}`;
  return verdict(breached ? 'breach' : 'ok', w.readings, average, `${condition(g)}: ${text}`);
}

const plainMean = (readings: Sample[]) =>
  readings.reduce((sum, r) => sum + (r.value as number), 0) / readings.length;

/** Each reading holds from its time (the window start, for the one in force then) until the next, or now. */
function timeWeightedMean(readings: Sample[], { start, now }: { start: number; now: number }): number {
  let weighted = 0;
  let total = 0;
  readings.forEach((r, i) => {
    const from = Math.max(r.at, start);
    const to = i + 1 < readings.length ? readings[i + 1].at : now;
    weighted += (r.value as number) * Math.max(0, to - from);
    total += Math.max(0, to - from);
  });
  return total > 0 ? weighted / total : plainMean(readings);
}

/** No current data: `no_data`, or a breach when the guardrail's policy says so. */
function noData(g: Guardrail, readings: Sample[], state: NoDataState): GuardrailEvaluation {
  const outcome = state.policy === 'breach' ? 'breach' : 'no_data';
  const reason = `${condition(g)}: ${GuardrailMessages.NO_DATA(state.detail, state.policy)}`;
  return { ...verdict(outcome, readings, null, reason), noData: state };
}

function missing(g: Guardrail, readings: Sample[], s: Settings, why: string): GuardrailEvaluation {
  return verdict(
    s.missingData,
    readings,
    null,
    `${condition(g)}: ${GuardrailMessages.MISSING(why, s.missingData)}`,
  );
}

function verdict(
  outcome: GuardrailOutcome,
  readings: Sample[],
  value: number | null,
  reason: string,
): GuardrailEvaluation {
  return { outcome, readings, value, reason };
}

const breaches = (g: Guardrail, value: number): boolean => COMPARE[g.operator](value, g.threshold);

/** "error_rate > 5%", "… for 5 minutes" (sustained, the default with a window), "… averaged over 15 minutes". */
export function condition(g: Guardrail): string {
  const base = `${g.metric} ${g.operator} ${formatValue(g.threshold, g.unit)}`;
  if (!g.window) return base;
  const window = describeDuration(g.window);
  return g.mode === 'aggregate' ? `${base} averaged over ${window}` : `${base} for ${window}`;
}

function formatValue(value: number, unit: string | undefined): string {
  const rounded = String(Math.round(value * 10_000) / 10_000);
  if (!unit) return rounded;
  return unit === '%' ? `${rounded}%` : `${rounded} ${unit}`;
}

const readingCount = (n: number): string => (n === 1 ? '1 reading' : `${n} readings`);

function between(readings: Sample[]): string {
  const first = readings[0].at;
  const last = readings[readings.length - 1].at;
  return first === last ? `at ${clock(first, last)}` : `from ${clock(first, last)} to ${clock(last, first)}`;
}

/** UTC wall-clock time ("12:05", "12:05:30"), with the date when it is not the same day as `reference`. */
export function clock(ms: number, reference: number): string {
  const iso = new Date(ms).toISOString();
  const time = iso.slice(17, 19) === '00' ? iso.slice(11, 16) : iso.slice(11, 19);
  // The same UTC day (as the ISO dates would say, without formatting the reference).
  return Math.floor(ms / 86_400_000) === Math.floor(reference / 86_400_000)
    ? time
    : `${iso.slice(0, 10)} ${time}`;
}

/** A length of time in the largest whole unit: "2 minutes", "90 seconds". */
export function span(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1_000, 'second'],
  ];
  const [size, name] = units.find(([size]) => ms % size === 0 && ms >= size) ?? [1, 'millisecond'];
  const count = ms / size;
  return `${count} ${name}${count === 1 ? '' : 's'}`;
}

function lastWhere<T>(items: readonly T[], predicate: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return items[i];
  return undefined;
}
