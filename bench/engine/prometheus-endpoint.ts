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
  /** Queries answered so far. */
  served(): number;
  /** Queries answered so far, per PromQL text. */
  servedPerQuery(): Record<string, number>;
  close(): Promise<void>;
}

/** The value a query answers at `time` (epoch s); null: an empty vector (no series). */
export type EndpointValue = (query: string, time: number) => number | null;

export async function startPrometheusEndpoint(value: EndpointValue): Promise<PrometheusEndpoint> {
  let served = 0;
  const perQuery = new Map<string, number>();
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
    perQuery.set(promql, (perQuery.get(promql) ?? 0) + 1);
    const v = value(promql, time);
    const result = v === null ? [] : [{ metric: {}, value: [time, String(v)] }];
    answer(res, 200, { status: 'success', data: { resultType: 'vector', result } });
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://endpoint');
    if (url.pathname === '/-/ready') return void res.writeHead(200).end('ready');
    if (url.pathname !== '/api/v1/query') return void res.writeHead(404).end();
    if (req.method === 'GET') return query(res, url.searchParams);
    if (req.method !== 'POST') return void res.writeHead(405).end();
    // Prometheus also takes the parameters form-encoded in a POST body.
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => query(res, new URLSearchParams(body)));
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
    servedPerQuery: () => Object.fromEntries(perQuery),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
