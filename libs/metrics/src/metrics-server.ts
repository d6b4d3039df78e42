import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { mergeExpositions } from './exposition';

export interface MetricsServerOptions {
  registry: Registry;
  port: number;
  host: string;
  /** Another exposition appended to ours on each scrape (the Temporal SDK core's `/metrics`), if any. */
  extra?: () => Promise<string>;
  /** Told when `extra` cannot be read: the scrape still answers with ours. */
  onExtraError?: (err: unknown) => void;
}

export interface MetricsServer {
  /** `http://host:port/metrics` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The body of one scrape: the registry, then `extra`'s families that the registry lacks. */
export async function scrape(options: Pick<MetricsServerOptions, 'registry' | 'extra' | 'onExtraError'>) {
  const ours = await options.registry.metrics();
  if (!options.extra) return ours;
  try {
    return mergeExpositions(ours, await options.extra());
  } catch (err) {
    options.onExtraError?.(err);
    return ours;
  }
}

/** Serves GET /metrics (Prometheus's text format) on its own port; any other path is a 404. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n');
      return;
    }
    scrape(options).then(
      (body) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Reads another exporter's `/metrics` (a short timeout: a scrape must not hang on it). */
export function fetchExposition(url: string, timeoutMs = 2_000): () => Promise<string> {
  return async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    return res.text();
  };
}
