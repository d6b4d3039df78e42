import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './ports';
import { stopProcess } from './processes';
import { until } from './wait';

// Real Prometheus and Alertmanager for the suites: Debian's `prometheus` (2.42) and `prometheus-alertmanager`
// (0.25) binaries, each started on a free port of 127.0.0.1 with a config and data folder of its own in a temp
// folder that `stop` removes; and a small exporter whose values the test sets. `.ci/run` installs the packages
// when the binaries are missing. Configs are written as JSON, which is YAML.

/** The Prometheus and Alertmanager binaries: env PROMETHEUS_BIN / ALERTMANAGER_BIN, Debian's, then PATH. */
export function findMonitoringBinaries(env: NodeJS.ProcessEnv = process.env): {
  prometheus?: string;
  alertmanager?: string;
} {
  const onPath = (name: string) =>
    (env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, name))
      .find((file) => existsSync(file));
  const first = (...candidates: (string | undefined)[]) =>
    candidates.find((c): c is string => !!c && existsSync(c));
  return {
    prometheus: first(env.PROMETHEUS_BIN, '/usr/bin/prometheus', onPath('prometheus')),
    alertmanager: first(
      env.ALERTMANAGER_BIN,
      '/usr/bin/prometheus-alertmanager',
      onPath('prometheus-alertmanager'),
      onPath('alertmanager'),
    ),
  };
}

/** One monitoring server started by the tests. */
export interface MonitoringServer {
  /** Its base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** `127.0.0.1:<port>`, as the other's config names it. */
  address: string;
  /** Its folder (config, data, log). */
  dir: string;
  /** What it has printed (its log lines), for a failing test to show. */
  output(): string;
  /** Rewrites its config and asks it to reload (POST /-/reload); fails if it refuses the config. */
  reload(config: unknown): Promise<void>;
  stop(): Promise<void>;
}

interface Launch {
  name: string;
  binary: string;
  config: unknown;
  /** Extra files beside the config (rule files …), by name. */
  files?: Record<string, string>;
  args: (paths: { config: string; data: string; listen: string }) => string[];
}

/** Starts a server on a free port (another one if that port was taken meanwhile), ready once /-/ready is 200. */
async function launch({ name, binary, config, files = {}, args }: Launch): Promise<MonitoringServer> {
  const dir = mkdtempSync(join(tmpdir(), `rollouts-${name}-`));
  const data = join(dir, 'data');
  mkdirSync(data);
  const configFile = join(dir, `${name}.yml`);
  const writeConfig = (c: unknown) => writeFileSync(configFile, JSON.stringify(c, null, 2));
  writeConfig(config);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  let child: (ChildProcess & { output: string[] }) | undefined;
  try {
    for (let attempt = 1; ; attempt += 1) {
      const port = await freePort();
      const listen = `127.0.0.1:${port}`;
      child = spawn(binary, args({ config: configFile, data, listen }), {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      }) as ChildProcess & { output: string[] };
      const out: string[] = (child.output = []);
      const keep = (chunk: Buffer) => out.push(chunk.toString());
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      const started = child;
      const url = `http://127.0.0.1:${port}`;
      try {
        await until(
          `${name} ready at ${url}`,
          async () => {
            if (started.exitCode !== null || started.signalCode !== null)
              throw new Error(`${name} exited (${started.exitCode ?? started.signalCode})`);
            return (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(5_000) })).ok;
          },
          { timeoutMs: 60_000, intervalMs: 200, explain: () => out.join('').slice(-3_000) },
        );
      } catch (err) {
        await stopProcess(started, { graceMs: 5_000 });
        // The port was taken between `freePort` and the bind: try another one.
        if (attempt < 3 && /address already in use/i.test(out.join(''))) continue;
        throw err;
      }
      return {
        url,
        address: listen,
        dir,
        output: () => out.join(''),
        async reload(next) {
          writeConfig(next);
          const res = await fetch(`${url}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(20_000) });
          if (!res.ok) throw new Error(`${name} refused its new config (${res.status}): ${await res.text()}`);
        },
        async stop() {
          try {
            await stopProcess(started, { graceMs: 10_000 });
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      };
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function required(binary: string | undefined, what: string, pkg: string): string {
  if (!binary)
    throw new Error(
      `${what} not found (set ${what === 'prometheus' ? 'PROMETHEUS_BIN' : 'ALERTMANAGER_BIN'}, or install Debian's ${pkg}; .ci/run does)`,
    );
  return binary;
}

export interface PrometheusOptions {
  /** `host:port` targets to scrape (an exporter's `target`), as job `exporter`. */
  targets: string[];
  /** Alerting rules (Prometheus rule-file groups: `{ name, rules: [{ alert, expr, for, labels … }] }`). */
  ruleGroups?: unknown[];
  /** Alertmanagers to send alerts to (`address` of a started one). */
  alertmanagers?: string[];
  /** How often it scrapes and evaluates rules (default `1s`: a test runs in seconds, not minutes). */
  interval?: string;
}

/** Prometheus's config for these options, with its rules in `rules.yml` beside it. */
export function prometheusConfig(options: PrometheusOptions): unknown {
  const interval = options.interval ?? '1s';
  return {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    rule_files: options.ruleGroups ? ['rules.yml'] : [],
    ...(options.alertmanagers?.length && {
      alerting: { alertmanagers: [{ static_configs: [{ targets: options.alertmanagers }] }] },
    }),
    scrape_configs: [{ job_name: 'exporter', static_configs: [{ targets: options.targets }] }],
  };
}

/** Debian's Prometheus on a free port, scraping `targets`, with its TSDB in a temp folder. */
export async function startPrometheus(
  options: PrometheusOptions,
  binary = findMonitoringBinaries().prometheus,
): Promise<MonitoringServer & { query(promql: string): Promise<PromSample[]> }> {
  const server = await launch({
    name: 'prometheus',
    binary: required(binary, 'prometheus', 'prometheus'),
    config: prometheusConfig(options),
    files: options.ruleGroups ? { 'rules.yml': JSON.stringify({ groups: options.ruleGroups }) } : {},
    args: ({ config, data, listen }) => [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=${listen}`,
      '--web.enable-lifecycle',
      // Alerts go out as soon as they fire (and are re-sent every second while they do).
      '--rules.alert.resend-delay=1s',
      '--log.level=info',
    ],
  });
  return {
    ...server,
    async query(promql) {
      const res = await fetch(`${server.url}/api/v1/query?query=${encodeURIComponent(promql)}`, {
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json()) as { status: string; error?: string; data?: { result: PromSample[] } };
      if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error ?? res.status}`);
      return body.data?.result ?? [];
    },
  };
}

/** One series of an instant query's vector. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface AlertmanagerOptions {
  /** Where the webhook receiver posts (the API's /alerts/alertmanager). */
  webhookUrl: string;
  /** A bearer token it sends (the API's auth). */
  bearerToken?: string;
  /** Grouping labels (default: every alert alone, `['...']`). */
  groupBy?: string[];
  /** `group_wait` and `group_interval` (default `1s`: notifications go out at once). */
  wait?: string;
  /** Whether resolved alerts are sent too (default true). */
  sendResolved?: boolean;
}

/** Alertmanager's config: one route to one webhook receiver named `rollout-engine`. */
export function alertmanagerConfig(options: AlertmanagerOptions): unknown {
  const wait = options.wait ?? '1s';
  return {
    route: {
      receiver: 'rollout-engine',
      group_by: options.groupBy ?? ['...'],
      group_wait: wait,
      group_interval: wait,
      repeat_interval: '1h',
    },
    receivers: [
      {
        name: 'rollout-engine',
        webhook_configs: [
          {
            url: options.webhookUrl,
            send_resolved: options.sendResolved ?? true,
            ...(options.bearerToken && {
              http_config: { authorization: { type: 'Bearer', credentials: options.bearerToken } },
            }),
          },
        ],
      },
    ],
  };
}

/** Debian's Alertmanager on a free port (no cluster port), its state in a temp folder. */
export async function startAlertmanager(
  options: AlertmanagerOptions,
  binary = findMonitoringBinaries().alertmanager,
): Promise<MonitoringServer & { alerts(): Promise<AlertmanagerAlert[]> }> {
  const server = await launch({
    name: 'alertmanager',
    binary: required(binary, 'alertmanager', 'prometheus-alertmanager'),
    config: alertmanagerConfig(options),
    args: ({ config, data, listen }) => [
      `--config.file=${config}`,
      `--storage.path=${data}`,
      `--web.listen-address=${listen}`,
      // No gossip: a lone instance, and no second port to collide on.
      '--cluster.listen-address=',
      '--log.level=debug',
    ],
  });
  return {
    ...server,
    async alerts() {
      const res = await fetch(`${server.url}/api/v2/alerts`, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`alertmanager /api/v2/alerts: ${res.status}`);
      return (await res.json()) as AlertmanagerAlert[];
    },
  };
}

/** An alert as Alertmanager's API v2 lists it. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
  fingerprint: string;
}

/** A metric exporter the test controls: /metrics in Prometheus's text format, with the values it sets. */
export interface Exporter {
  /** Its base URL. */
  url: string;
  /** `127.0.0.1:<port>`, Prometheus's scrape target. */
  target: string;
  /** Sets a gauge (a series per distinct label set). */
  set(metric: string, value: number, labels?: Record<string, string>): void;
  /** Removes a series (or every series of the metric without `labels`). */
  remove(metric: string, labels?: Record<string, string>): void;
  /** How many times /metrics has been scraped. */
  scrapes(): number;
  /** Stops answering (scrapes fail: Prometheus's `up` turns 0); `start` serves again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

const labelText = (labels: Record<string, string>) => {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return '';
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${entries.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;
};

/** The text exposition format (version 0.0.4) of these gauges. */
export function exposition(series: Map<string, Map<string, number>>): string {
  const lines: string[] = [];
  for (const [metric, values] of series) {
    lines.push(`# TYPE ${metric} gauge`);
    for (const [labels, value] of values) lines.push(`${metric}${labels} ${formatValue(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

const formatValue = (v: number) =>
  Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);

/** Starts an exporter on a free port of 127.0.0.1. */
export async function startExporter(): Promise<Exporter> {
  const series = new Map<string, Map<string, number>>();
  let scrapes = 0;
  let port = 0;
  let server: Server | undefined;
  const serve = async () => {
    const srv = createServer((req, res) => {
      if (req.url?.split('?')[0] !== '/metrics') return res.writeHead(404).end();
      scrapes += 1;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(exposition(series));
    });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => resolve());
    });
    port = (srv.address() as AddressInfo).port;
    server = srv;
  };
  await serve();
  const target = `127.0.0.1:${port}`;
  return {
    url: `http://${target}`,
    target,
    set(metric, value, labels = {}) {
      if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric)) throw new Error(`not a metric name: ${metric}`);
      const values = series.get(metric) ?? new Map<string, number>();
      values.set(labelText(labels), value);
      series.set(metric, values);
    },
    remove(metric, labels) {
      if (labels) series.get(metric)?.delete(labelText(labels));
      else series.delete(metric);
    },
    scrapes: () => scrapes,
    async stop() {
      const srv = server;
      server = undefined;
      if (!srv) return;
      srv.closeAllConnections();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    },
    async start() {
      if (!server) await serve();
    },
  };
}
