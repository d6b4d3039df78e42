import { z } from 'zod';
import { loadMetricCatalogue, parseEnv } from '../libs/config/src';
import type { MetricCatalogue } from '../workflows/engine/catalogue';

/** Hook kinds a rollback step can call over HTTP (the plan's step action types that are webhooks). */
export const HOOK_KINDS = ['revert-deployment', 'restore-backup', 'replay-dlq', 'webhook'] as const;
export type HookKind = (typeof HOOK_KINDS)[number];

/** Where the adapters send their HTTP calls. An absent URL means "not configured", never a default host. */
export interface AdaptersConfig {
  /** Notification webhook per channel; `notifyDefaultUrl` serves any other channel. */
  notifyUrls: Record<string, string>;
  notifyDefaultUrl?: string;
  hookUrls: Partial<Record<HookKind, string>>;
  /** Base URL of a Prometheus-compatible HTTP API (`/api/v1/query` is appended). */
  prometheusUrl?: string;
  /**
   * How each plan metric is read (PromQL, unit, per-plan overrides): the file METRIC_CATALOGUE names, or the
   * deprecated METRIC_QUERIES shorthand (queries only; an unnamed metric is queried by its own name).
   */
  catalogue: MetricCatalogue;
  /**
   * How far back Prometheus keeps samples (PROMETHEUS_RETENTION, as its `--storage.tsdb.retention.time`):
   * a metric watcher behind by more does not query what is gone (a no-data episode stands for it).
   */
  metricRetentionMs: number;
  /** Per-request timeout of every adapter call (a hook may ask for its own). */
  timeoutMs: number;
}

// Providers are keyed by this constant so tests can override the configuration.
export const ADAPTERS_CONFIG = Symbol('ADAPTERS_CONFIG');

const httpUrl = z.url({ protocol: /^https?$/ });

/** A JSON object in one variable, e.g. `{"ops":"https://hooks.example.com/ops"}`. */
const jsonObject = <T extends z.ZodType>(shape: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected a JSON object' });
        return z.NEVER;
      }
    })
    .pipe(shape);

const env = z.object({
  NOTIFY_WEBHOOK_URLS: jsonObject(z.record(z.string().min(1), httpUrl)).optional(),
  NOTIFY_WEBHOOK_URL: httpUrl.optional(),
  HOOK_URLS: jsonObject(z.partialRecord(z.enum(HOOK_KINDS), httpUrl)).optional(),
  PROMETHEUS_URL: httpUrl.optional(),
  PROMETHEUS_RETENTION: z
    .string()
    .regex(/^[1-9][0-9]*(h|d|w)$/, 'expected a whole number of hours, days or weeks: 36h, 15d, 2w')
    .default('15d'),
  ADAPTER_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
});

export function loadAdaptersConfig(source: NodeJS.ProcessEnv = process.env): AdaptersConfig {
  const e = parseEnv(env, source, 'adapters');
  return {
    notifyUrls: e.NOTIFY_WEBHOOK_URLS ?? {},
    notifyDefaultUrl: e.NOTIFY_WEBHOOK_URL,
    hookUrls: e.HOOK_URLS ?? {},
    prometheusUrl: e.PROMETHEUS_URL,
    catalogue: loadMetricCatalogue(source),
    metricRetentionMs: retentionMs(e.PROMETHEUS_RETENTION),
    timeoutMs: e.ADAPTER_TIMEOUT_MS,
  };
}

const HOUR = 3_600_000;
const retentionMs = (text: string): number =>
  Number(text.slice(0, -1)) * { h: HOUR, d: 24 * HOUR, w: 168 * HOUR }[text.slice(-1) as 'h' | 'd' | 'w'];
