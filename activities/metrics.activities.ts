import { Inject, Injectable } from '@nestjs/common';
import { ApplicationFailure } from '@temporalio/common';
import { resolveMetric } from '../workflows/engine/catalogue';
import type { SampleNoDataCause } from '../workflows/engine/samples';
import { convert, UnitMessages } from '../workflows/engine/units';
import { ADAPTERS_CONFIG, type AdaptersConfig } from './adapters.config';
import { httpGet } from './http-call';

export interface QueryMetricInput {
  /**
   * The plan's metric (a guardrail's `metric`), read with the PromQL the metric catalogue gives it (for
   * `plan`, with its override). Without a catalogue entry: under a catalogue file, not queried at all (no
   * data, cause `unmapped`); with no catalogue or the METRIC_QUERIES shorthand, the name itself is the
   * query (a metric's own name is valid PromQL). It must yield one series (aggregate it, e.g. `max(...)`)
   * or none.
   */
  query: string;
  /** Evaluation time (ISO 8601); now when absent. */
  at?: string;
  /** The plan (`metadata.name`), for the catalogue's per-plan overrides. */
  plan?: string;
  /**
   * The unit the caller wants the value in (the guardrail's). Absent: the value comes in the catalogue's
   * unit for the metric. A unit that cannot be reconciled gives no data (cause `unit`), never a number.
   */
  unit?: string;
}

/**
 * `value` is null when there is no data: the query answered an empty vector or NaN (`cause: no-series`),
 * the catalogue has no entry (`unmapped`) or the units do not match (`unit`). `unit` is the unit `value` is
 * in (absent when unknown: a METRIC_QUERIES shorthand entry, or no catalogue). A query that fails throws
 * (the caller's `query-failed`). The fields match a guardrail reading (`Sample`), so they can be kept as is.
 */
export interface MetricReading {
  value: number | null;
  at: string;
  unit?: string;
  cause?: SampleNoDataCause;
  detail?: string;
}

type Sample = [number, string];
interface PrometheusAnswer {
  status?: string;
  data?: { resultType?: string; result?: Sample | { value?: Sample }[] };
}

@Injectable()
export class MetricsActivities {
  constructor(@Inject(ADAPTERS_CONFIG) private readonly config: AdaptersConfig) {}

  /** One instant query against a Prometheus-compatible HTTP API (`GET /api/v1/query`). */
  async queryMetric({ query: metric, at, plan, unit: wanted }: QueryMetricInput): Promise<MetricReading> {
    const base = this.config.prometheusUrl;
    if (!base)
      throw ApplicationFailure.nonRetryable('PROMETHEUS_URL is not configured', 'MetricsNotConfigured');
    const time = at ? new Date(at) : new Date();
    // Resolved here, not in the workflow: a changed catalogue applies to running rollouts at their next reading.
    const resolved = resolveMetric(this.config.catalogue, metric, plan);
    if (!resolved)
      return {
        value: null,
        at: time.toISOString(),
        cause: 'unmapped',
        detail: `${metric} has no entry in the metric catalogue ${this.config.catalogue.source}`,
      };
    const { query, unit } = resolved;
    const url = new URL('api/v1/query', base.endsWith('/') ? base : `${base}/`);
    url.searchParams.set('query', query);
    url.searchParams.set('time', String(time.getTime() / 1000));
    const names = {
      what: query === metric ? `Metric query ${query}` : `Metric ${metric} (query ${query})`,
      failure: 'MetricQuery',
    };
    // Keep-alive sockets: a watcher queries every cadence, and catching up it queries in batches.
    const { body } = await httpGet({ url: url.toString(), timeoutMs: this.config.timeoutMs }, names);

    const sample = parseSample(body, names.what);
    const inUnit = unit ? { unit } : {};
    if (!sample) return { value: null, at: time.toISOString(), ...inUnit, cause: 'no-series' };
    const value = Number(sample[1]);
    const sampledAt = new Date(sample[0] * 1000).toISOString();
    // NaN (e.g. 0/0 with no traffic) is no data; ±Inf cannot cross Temporal's JSON payloads either.
    if (!Number.isFinite(value)) return { value: null, at: sampledAt, ...inUnit, cause: 'no-series' };
    if (wanted === undefined || unit === undefined) return { value, at: sampledAt, ...inUnit };
    const converted = convert(value, unit, wanted);
    return converted === undefined
      ? { value: null, at: sampledAt, unit, cause: 'unit', detail: UnitMessages.MISMATCH(unit, wanted) }
      : { value: converted, at: sampledAt, unit: wanted };
  }

  /**
   * The same reading at each of `times` (epoch ms, ascending, evenly spaced by `stepMs`) with one range
   * query (`GET /api/v1/query_range`, start..end by step): Prometheus evaluates a range query as the
   * instant query at each step, so each reading is the one an instant query at that time would give. A
   * watcher behind schedule takes the readings it missed this way. One reading per time, in order; a time
   * the answer has no sample for is no data (`no-series`). Not an activity of its own: the watcher's.
   */
  async queryMetricRange({
    query: metric,
    times,
    stepMs,
    plan,
  }: {
    query: string;
    times: readonly number[];
    stepMs: number;
    plan?: string;
  }): Promise<MetricReading[]> {
    const base = this.config.prometheusUrl;
    if (!base)
      throw ApplicationFailure.nonRetryable('PROMETHEUS_URL is not configured', 'MetricsNotConfigured');
    const iso = times.map((t) => new Date(t).toISOString());
    const resolved = resolveMetric(this.config.catalogue, metric, plan);
    if (!resolved)
      return iso.map((at) => ({
        value: null,
        at,
        cause: 'unmapped' as const,
        detail: `${metric} has no entry in the metric catalogue ${this.config.catalogue.source}`,
      }));
    const { query, unit } = resolved;
    const url = new URL('api/v1/query_range', base.endsWith('/') ? base : `${base}/`);
    url.searchParams.set('query', query);
    url.searchParams.set('start', String(times[0] / 1000));
    url.searchParams.set('end', String(times[times.length - 1] / 1000));
    url.searchParams.set('step', String(stepMs / 1000));
    const names = {
      what: query === metric ? `Metric query ${query}` : `Metric ${metric} (query ${query})`,
      failure: 'MetricQuery',
    };
    const { body } = await httpGet({ url: url.toString(), timeoutMs: this.config.timeoutMs }, names);
    // Each sample belongs to the step nearest its time (times and step may be fractional milliseconds).
    const byStep = new Map(
      parseSamples(body, names.what).map(([t, v]) => [Math.round((t * 1000 - times[0]) / stepMs), v]),
    );
    const inUnit = unit ? { unit } : {};
    return times.map((_, i) => {
      const raw = byStep.get(i);
      const value = raw === undefined ? NaN : Number(raw);
      if (!Number.isFinite(value)) return { value: null, at: iso[i], ...inUnit, cause: 'no-series' as const };
      return { value, at: iso[i], ...inUnit };
    });
  }
}

/** The samples of a range query's answer (one series, or none). */
function parseSamples(body: string, what: string): Sample[] {
  const reject = (why: string) => ApplicationFailure.nonRetryable(`${what}: ${why}`, 'MetricQueryRejected');
  let answer: { status?: string; data?: { resultType?: string; result?: { values?: Sample[] }[] } };
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    throw reject('the answer is not JSON (is PROMETHEUS_URL a Prometheus API?)');
  }
  const { resultType, result } = answer.data ?? {};
  if (answer.status !== 'success' || !Array.isArray(result))
    throw reject(`unexpected answer ${body.slice(0, 300)}`);
  if (resultType !== 'matrix') throw reject(`expected a matrix, got ${resultType}`);
  if (result.length > 1)
    throw reject(`returned ${result.length} series; aggregate it to one (e.g. max(...))`);
  return result[0]?.values ?? [];
}

/** The one sample of an instant query's answer, or undefined when it has none. */
function parseSample(body: string, what: string): Sample | undefined {
  const reject = (why: string) => ApplicationFailure.nonRetryable(`${what}: ${why}`, 'MetricQueryRejected');
  let answer: PrometheusAnswer;
  try {
    answer = JSON.parse(body) as PrometheusAnswer;
  } catch {
    throw reject('the answer is not JSON (is PROMETHEUS_URL a Prometheus API?)');
  }
  const { resultType, result } = answer.data ?? {};
  if (answer.status !== 'success' || !Array.isArray(result))
    throw reject(`unexpected answer ${body.slice(0, 300)}`);
  if (resultType === 'scalar') return result as Sample;
  if (resultType !== 'vector') throw reject(`expected a vector or a scalar, got ${resultType}`);
  const series = result as { value?: Sample }[];
  if (series.length > 1)
    throw reject(`returned ${series.length} series; aggregate it to one (e.g. max(...))`);
  return series[0]?.value;
}
