import { Inject, Injectable } from '@nestjs/common';
import { ApplicationFailure } from '@temporalio/common';
import { ADAPTERS_CONFIG, type AdaptersConfig } from './adapters.config';
import { httpCall } from './http-call';

export interface QueryMetricInput {
  /**
   * The plan's metric (a guardrail's `metric`), read with the PromQL that `METRIC_QUERIES` configures for it,
   * else PromQL itself (a metric's own name is a valid query). It must yield one series (aggregate it, e.g.
   * `max(...)`) or none.
   */
  query: string;
  /** Evaluation time (ISO 8601); now when absent. */
  at?: string;
}

/** `value` is null when the query has no data (an empty vector, or NaN): the guardrail decides what that means. */
export interface MetricReading {
  value: number | null;
  at: string;
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
  async queryMetric({ query: metric, at }: QueryMetricInput): Promise<MetricReading> {
    const base = this.config.prometheusUrl;
    // Resolved here, not in the workflow: a changed query applies to running rollouts at their next reading.
    const query = this.config.metricQueries[metric] ?? metric;
    if (!base)
      throw ApplicationFailure.nonRetryable('PROMETHEUS_URL is not configured', 'MetricsNotConfigured');
    const time = at ? new Date(at) : new Date();
    const url = new URL('api/v1/query', base.endsWith('/') ? base : `${base}/`);
    url.searchParams.set('query', query);
    url.searchParams.set('time', String(time.getTime() / 1000));
    const names = {
      what: query === metric ? `Metric query ${query}` : `Metric ${metric} (query ${query})`,
      failure: 'MetricQuery',
    };
    const { body } = await httpCall(
      { method: 'GET', url: url.toString(), timeoutMs: this.config.timeoutMs },
      names,
    );

    const sample = parseSample(body, names.what);
    if (!sample) return { value: null, at: time.toISOString() };
    const value = Number(sample[1]);
    // NaN (e.g. 0/0 with no traffic) is no data; ±Inf cannot cross Temporal's JSON payloads either.
    return { value: Number.isFinite(value) ? value : null, at: new Date(sample[0] * 1000).toISOString() };
  }
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
