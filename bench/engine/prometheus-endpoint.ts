import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Prometheus-compatible endpoint for the benchmark, in this process: `GET|POST /api/v1/query` answers an
 * instant query as Prometheus's HTTP API does (`{"status":"success","data":{"resultType":"vector",...}}`,
 * one series, or none when `value` says null), `/-/ready` answers 200, anything else 404. It counts the
 * queries it served, in all and per query, so the benchmark can show that every reading was taken.
 */
export interface PrometheusEndpoint {
  /** Base URL, what PROMETHEUS_URL is set to (`/api/v1/query` is appended by the worker). */
  url: string;
  /**
   * Readings answered so far: one per instant query, one per step of a range query (Prometheus evaluates
   * a range query as the instant query at each step).
   */
  served(): number;
  /** HTTP requests answered so far (instant and range queries). */
  requests(): number;
  /** Range queries answered so far. */
  rangeRequests(): number;
  /** Queries answered so far, per PromQL text. */
  servedPerQuery(): Record<string, number>;
  /** The reading times (epoch ms) served per PromQL text, in the order served (duplicates kept). */
  timesPerQuery(): Map<string, number[]>;
  close(): Promise<void>;
}

/** The value a query answers at `time` (epoch s); null: an empty vector (no series). */
export type EndpointValue = (query: string, time: number) => number | null;

export async function startPrometheusEndpoint(value: EndpointValue): Promise<PrometheusEndpoint> {
  let served = 0;
  let requests = 0;
  let rangeRequests = 0;
  const perQuery = new Map<string, number>();
  const times = new Map<string, number[]>();
  const servedAt = (promql: string, ms: number) => {
    const list = times.get(promql) ?? [];
    if (!list.length) times.set(promql, list);
    list.push(ms);
  };
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const query = (res: ServerResponse, params: URLSearchParams) => {
    const promql = params.get('query');
    if (!promql)
      return answer(res, 400, { status: 'error', errorType: 'bad_data', error: 'query is required' });
    const timeParam = params.get('time');
    const time = timeParam ? Number(timeParam) : Date.now() / 1000;
    if (!Number.isFinite(time))
      return answer(res, 400, { status: 'error', errorType: 'bad_data', error: `bad time ${timeParam}` });
    served++;
    requests++;
    perQuery.set(promql, (perQuery.get(promql) ?? 0) + 1);
    servedAt(promql, Math.round(time * 1000));
    const v = value(promql, time);
    const result = v === null ? [] : [{ metric: {}, value: [time, String(v)] }];
    answer(res, 200, { status: 'success', data: { resultType: 'vector', result } });
  };
  const queryRange = (res: ServerResponse, params: URLSearchParams) => {
    const promql = params.get('query');
    const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(params.get(k)));
    if (!promql || !(step > 0) || !Number.isFinite(start) || !(end >= start))
      return answer(res, 400, { status: 'error', errorType: 'bad_data', error: 'query, start, end, step' });
    // As Prometheus: times and step in whole milliseconds, steps from start to end inclusive.
    const [startMs, endMs, stepMs] = [start, end, step].map((x) => Math.round(x * 1000));
    if (stepMs < 1) return answer(res, 400, { status: 'error', errorType: 'bad_data', error: 'zero step' });
    const steps = Math.floor((endMs - startMs) / stepMs) + 1;
    if (steps > 11_000)
      return answer(res, 400, { status: 'error', errorType: 'bad_data', error: 'exceeded 11,000 points' });
    requests++;
    rangeRequests++;
    served += steps;
    perQuery.set(promql, (perQuery.get(promql) ?? 0) + steps);
    const values: [number, string][] = [];
    for (let i = 0; i < steps; i++) {
      const time = (startMs + i * stepMs) / 1000;
      servedAt(promql, startMs + i * stepMs);
      const v = value(promql, time);
      if (v !== null) values.push([time, String(v)]);
    }
    answer(res, 200, {
      status: 'success',
      data: { resultType: 'matrix', result: values.length ? [{ metric: {}, values }] : [] },
    });
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://endpoint');
    if (url.pathname === '/-/ready') return void res.writeHead(200).end('ready');
    const handler =
      url.pathname === '/api/v1/query'
        ? query
        : url.pathname === '/api/v1/query_range'
          ? queryRange
          : undefined;
    if (!handler) return void res.writeHead(404).end();
    if (req.method === 'GET') return handler(res, url.searchParams);
    if (req.method !== 'POST') return void res.writeHead(405).end();
    // Prometheus also takes the parameters form-encoded in a POST body.
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handler(res, new URLSearchParams(body)));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served: () => served,
    requests: () => requests,
    rangeRequests: () => rangeRequests,
    servedPerQuery: () => Object.fromEntries(perQuery),
    timesPerQuery: () => times,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
