import {
  durationProblem,
  durationToMillis,
  MetricNameSchema,
  type Guardrail,
} from '../../libs/plan/src/model';
import { COMPARE } from './guardrails';
import type { Sample } from './samples';

/**
 * The simulator's metrics: each metric is piecewise constant, changing only at the offsets a scenario
 * names. Because it can say when its readings next change, a simulated rollout sleeps until then instead
 * of waking every cadence, and months simulate in seconds. Plain data, usable inside a workflow.
 */

/** A scenario point: from `at` (ISO duration after the rollout start, e.g. "P15DT2H") the metric is `value`. */
export interface ScenarioPoint {
  at: string;
  value: number | null;
}

export type ScenarioTimelines = Record<string, readonly ScenarioPoint[]>;

export interface Change {
  at: number;
  value: number | null;
}

export interface SimulatedSource {
  startedAt: number;
  /** Values before a metric's first change (or always, for metrics without a timeline): the healthy ones. */
  defaults: Record<string, number | null>;
  /** Per metric, real changes only (a point repeating the value in force is dropped), in time order. */
  changes: Record<string, Change[]>;
}

export const MetricSourceMessages = {
  BAD_OFFSET: (path: string, at: unknown) =>
    `${path}.at: ${JSON.stringify(at)} is not an ISO-8601 duration offset such as PT0S, PT30M or P15DT2H`,
  BAD_METRIC: (metric: string) => `metrics.${JSON.stringify(metric)}: not a metric name`,
  BAD_TIMELINE: (metric: string) => `metrics.${metric}: must be a list of { at, value } points`,
  BAD_VALUE: (path: string, value: unknown) =>
    `${path}.value: ${JSON.stringify(value)} must be a number or null`,
  DUPLICATE_OFFSET: (path: string, first: string) => `${path}.at: the same offset as ${first}`,
  INVALID: (problems: string[]) => `invalid metric scenario:\n${problems.join('\n')}`,
} as const;

/** Offsets from the start; unlike plan durations, zero is meaningful ("from the very start"). */
function offsetMillis(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  return durationProblem(text) === 'zero' ? 0 : durationToMillis(text);
}

/** Every problem in the timelines, each with its path; empty when they are usable. */
export function timelineProblems(timelines: ScenarioTimelines): string[] {
  const problems: string[] = [];
  for (const [metric, points] of Object.entries(timelines)) {
    if (!MetricNameSchema.safeParse(metric).success) problems.push(MetricSourceMessages.BAD_METRIC(metric));
    else if (!Array.isArray(points)) problems.push(MetricSourceMessages.BAD_TIMELINE(metric));
    else problems.push(...pointProblems(metric, points));
  }
  return problems;
}

function pointProblems(metric: string, points: readonly ScenarioPoint[]): string[] {
  const problems: string[] = [];
  const seen = new Map<number, string>();
  points.forEach((point, i) => {
    const path = `metrics.${metric}[${i}]`;
    // Scenarios come from files: a point may be anything.
    const { at, value } = (point ?? {}) as Partial<ScenarioPoint>;
    const offset = offsetMillis(at);
    if (offset === undefined) problems.push(MetricSourceMessages.BAD_OFFSET(path, at));
    else if (seen.has(offset))
      problems.push(MetricSourceMessages.DUPLICATE_OFFSET(path, seen.get(offset) as string));
    else seen.set(offset, path);
    if (!isValue(value)) problems.push(MetricSourceMessages.BAD_VALUE(path, value));
  });
  return problems;
}

const isValue = (value: unknown): value is number | null =>
  value === null || (typeof value === 'number' && Number.isFinite(value));

/** Compiles timelines against the rollout start; throws a RangeError listing every problem. */
export function simulatedSource(
  timelines: ScenarioTimelines,
  startedAt: number,
  defaults: Record<string, number | null> = {},
): SimulatedSource {
  const problems = timelineProblems(timelines);
  if (problems.length > 0) throw new RangeError(MetricSourceMessages.INVALID(problems));
  const changes: Record<string, Change[]> = {};
  for (const [metric, points] of Object.entries(timelines)) {
    changes[metric] = compile(points, startedAt, own(defaults, metric) ?? null);
  }
  return { startedAt, defaults: { ...defaults }, changes };
}

function compile(points: readonly ScenarioPoint[], startedAt: number, initial: number | null): Change[] {
  const ordered = points
    .map((p) => ({ at: startedAt + (offsetMillis(p.at) as number), value: p.value }))
    .sort((a, b) => a.at - b.at);
  const changes: Change[] = [];
  let current = initial;
  for (const point of ordered) {
    if (point.value === current) continue;
    changes.push(point);
    current = point.value;
  }
  return changes;
}

/** The metric's value at `t`: the last change at or before it, else its default, else no data. */
export function valueAt(source: SimulatedSource, metric: string, t: number): number | null {
  let value = own(source.defaults, metric) ?? null;
  for (const change of own(source.changes, metric) ?? []) {
    if (change.at > t) break;
    value = change.value;
  }
  return value;
}

/** Epoch ms of the next change of any metric strictly after `t`, or null when nothing will change again. */
export function nextChangeAfter(source: SimulatedSource, t: number): number | null {
  let next: number | null = null;
  for (const changes of Object.values(source.changes)) {
    const change = changes.find((c) => c.at > t);
    if (change && (next === null || change.at < next)) next = change.at;
  }
  return next;
}

/** One reading per metric at `t`, as a real source would answer a query. */
export function readingsAt(source: SimulatedSource, metrics: readonly string[], t: number): Sample[] {
  return metrics.map((metric) => ({ metric, value: valueAt(source, metric, t), at: t }));
}

/** Metric names are user text: "constructor" must not reach Object.prototype. */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

export interface SimulatedReading {
  readings: Sample[];
  /** Ends of windows still open after this reading. */
  windowEnds: number[];
  /** When to read next, or null when nothing will change again. */
  next: number | null;
}

/**
 * One reading of a simulated source at `at`. A first reading or a change opens a window of each length
 * (a value that then holds for the whole window can breach at its end); a reading at a window's end opens
 * none, so a steady metric costs nothing however long the phase lasts.
 */
export function readSimulated(
  source: SimulatedSource,
  metrics: readonly string[],
  at: number,
  state: { windowEnds: readonly number[]; windows: readonly number[]; lastAt?: number },
): SimulatedReading {
  // Timers fire a little after the instant they were set for: a change since the last reading counts.
  const { lastAt } = state;
  const changed =
    lastAt === undefined ||
    metrics.some((m) => own(source.changes, m)?.some((c) => c.at > lastAt && c.at <= at));
  const windowEnds = [
    ...state.windowEnds.filter((end) => end > at),
    ...(changed ? state.windows.map((w) => at + w) : []),
  ];
  return {
    readings: readingsAt(source, metrics, at),
    windowEnds,
    next: nextSimulatedReading(source, at, windowEnds),
  };
}

/**
 * When a simulated phase next reads its metrics: the next change of any metric, or the end of a window
 * that a reading opened (a value that stayed put for a whole window can breach then, and only then).
 */
export function nextSimulatedReading(
  source: SimulatedSource,
  t: number,
  windowEnds: readonly number[],
): number | null {
  const later = windowEnds.filter((end) => end > t);
  const change = nextChangeAfter(source, t);
  const candidates = change === null ? later : [...later, change];
  return candidates.length ? Math.min(...candidates) : null;
}

/**
 * A value no guardrail on the metric objects to: 0 when that will do (error rates, latencies), else the
 * nearest threshold on the healthy side. Used as the scenario's default for metrics it leaves out.
 */
export function healthyValue(guardrails: readonly Pick<Guardrail, 'operator' | 'threshold'>[]): number {
  const healthy = (v: number) => guardrails.every((g) => !COMPARE[g.operator](v, g.threshold));
  const candidates = [0, ...guardrails.flatMap((g) => [g.threshold, g.threshold + 1, g.threshold - 1])];
  return candidates.find(healthy) ?? 0;
}
