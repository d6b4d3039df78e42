/**
 * A bounded, time-ordered window of readings for one metric. Plain data: it lives in workflow state and
 * crosses continue-as-new, so it must stay small however long the rollout runs.
 */

/** One reading. `value: null` = the source answered but had no data (an empty vector, NaN, a failed scrape). */
export interface Sample {
  metric: string;
  value: number | null;
  /** Epoch ms. */
  at: number;
  /**
   * The unit `value` is in (the metric catalogue's unit for the metric, see catalogue.ts). Absent: the
   * guardrail's own unit (pushed and simulated readings before catalogues, old histories).
   */
  unit?: string;
  /** Why `value` is null, when the source said: its query answered no series, failed, or has no entry. */
  cause?: SampleNoDataCause;
  /** A word on the cause (the query's error), for the no-data reason people read. */
  detail?: string;
}

/** Why a reading has no value (a guardrail's no-data reason). */
export type SampleNoDataCause = 'no-series' | 'query-failed' | 'unmapped' | 'unit';

/** Readings of one metric, oldest first, at most one per instant. */
export interface SampleWindow {
  metric: string;
  samples: Sample[];
}

/**
 * Safety cap on top of the time-based pruning: a source pushing readings every few milliseconds must not
 * grow workflow state either. Far above what a minute cadence needs for any plausible guardrail window.
 */
export const DEFAULT_MAX_SAMPLES = 2_000;

export interface AddSampleOptions {
  maxSamples?: number;
}

export const SampleMessages = {
  WRONG_METRIC: (window: string, sample: string) =>
    `a sample of "${sample}" cannot be added to the window of "${window}"`,
  BAD_TIME: (at: unknown) => `a sample's time must be finite epoch milliseconds, got ${String(at)}`,
} as const;

export function emptyWindow(metric: string): SampleWindow {
  return { metric, samples: [] };
}

/**
 * A new window holding `sample` (replacing any reading at the same instant) and only what a guardrail
 * looking back `keepMs` from the latest reading can still use: the readings inside that span plus the last
 * non-null reading at or before its start, which is what proves the window is covered from its beginning.
 */
export function addSample(
  window: SampleWindow,
  sample: Sample,
  keepMs: number,
  options: AddSampleOptions = {},
): SampleWindow {
  if (sample.metric !== window.metric)
    throw new RangeError(SampleMessages.WRONG_METRIC(window.metric, sample.metric));
  if (!Number.isFinite(sample.at)) throw new RangeError(SampleMessages.BAD_TIME(sample.at));
  const inserted = insertInOrder(window.samples, normalise(sample));
  const pruned = prune(inserted, Math.max(0, keepMs));
  return { metric: window.metric, samples: cap(pruned, options.maxSamples ?? DEFAULT_MAX_SAMPLES) };
}

/** NaN and ±Infinity do not survive JSON (they become null anyway), so say "no data" explicitly. */
function normalise(sample: Sample): Sample {
  const value = typeof sample.value === 'number' && Number.isFinite(sample.value) ? sample.value : null;
  // Optional fields only when set: readings of old histories keep their exact shape.
  return {
    metric: sample.metric,
    value,
    at: sample.at,
    ...(sample.unit !== undefined ? { unit: sample.unit } : {}),
    ...(value === null && sample.cause !== undefined ? { cause: sample.cause } : {}),
    ...(value === null && sample.detail !== undefined ? { detail: sample.detail } : {}),
  };
}

/** Readings usually arrive in order, so the insertion point is searched from the end. */
function insertInOrder(samples: readonly Sample[], sample: Sample): Sample[] {
  let i = samples.length;
  while (i > 0 && samples[i - 1].at > sample.at) i--;
  const next = samples.slice();
  if (i > 0 && samples[i - 1].at === sample.at) next[i - 1] = sample;
  else next.splice(i, 0, sample);
  return next;
}

function prune(samples: Sample[], keepMs: number): Sample[] {
  if (samples.length === 0) return samples;
  const cutoff = samples[samples.length - 1].at - keepMs;
  const anchor = findLastIndex(samples, (s) => s.at <= cutoff && s.value !== null);
  // Without an anchor, nulls before the cutoff prove nothing; the latest reading always stays (at >= cutoff).
  const start = anchor >= 0 ? anchor : samples.findIndex((s) => s.at >= cutoff);
  return start > 0 ? samples.slice(start) : samples;
}

function cap(samples: Sample[], maxSamples: number): Sample[] {
  const max = Math.max(1, Math.floor(maxSamples));
  return samples.length > max ? samples.slice(samples.length - max) : samples;
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return i;
  return -1;
}
