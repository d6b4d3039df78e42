import { CloudEvent } from 'cloudevents';
import { z } from 'zod';
import { loadMetricCatalogue, parseEnv } from '../libs/config/src';
import type { MetricCatalogue } from '../workflows/engine/catalogue';

/** Hook kinds a rollback step can call over HTTP (the plan's step action types that are webhooks). */
export const HOOK_KINDS = ['revert-deployment', 'restore-backup', 'replay-dlq', 'webhook'] as const;
export type HookKind = (typeof HOOK_KINDS)[number];

/**
 * How a notice goes over HTTP: a CloudEvent in binary mode (`ce-*` headers, the message payload as the JSON
 * body), a CloudEvent in structured mode (`application/cloudevents+json`), or a chat tool's incoming webhook.
 */
export const NOTIFY_FORMATS = ['cloudevents', 'cloudevents-structured', 'slack', 'teams'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

/** Where the adapters send their HTTP calls. An absent URL means "not configured", never a default host. */
export interface AdaptersConfig {
  /** Notification webhook per channel; `notifyDefaultUrl` serves any other channel. */
  notifyUrls: Record<string, string>;
  notifyDefaultUrl?: string;
  /** What each channel's webhook is sent (NOTIFY_FORMATS); any other channel gets `notifyDefaultFormat`. */
  notifyFormats: Record<string, NotifyFormat>;
  notifyDefaultFormat: NotifyFormat;
  /** Where the console is (CONSOLE_URL): chat messages link to the page where the action is. */
  consoleUrl?: string;
  /** The CloudEvents `source` of every notice, and the prefix of its `type` (`<prefix>.rollout.gate.ready`). */
  eventSource: string;
  eventTypePrefix: string;
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
  NOTIFY_FORMATS: jsonObject(z.record(z.string().min(1), z.enum(NOTIFY_FORMATS))).optional(),
  NOTIFY_FORMAT: z.enum(NOTIFY_FORMATS).default('cloudevents'),
  CONSOLE_URL: httpUrl.optional(),
  // Checked by the CloudEvents SDK itself (a URI-reference): a source it refuses would fail every notice.
  EVENT_SOURCE: z
    .string()
    .min(1)
    .refine(
      (source) => {
        try {
          return new CloudEvent({ source, type: 'dev.rollout-engine.check', id: 'check' }).validate();
        } catch {
          return false;
        }
      },
      { message: 'expected a URI-reference such as urn:rollout-engine or https://rollouts.example.com' },
    )
    .default('urn:rollout-engine'),
  EVENT_TYPE_PREFIX: z
    .string()
    .regex(/^[a-z0-9]+([.-][a-z0-9]+)*$/, 'expected a reverse-DNS name such as com.example')
    .default('dev.rollout-engine'),
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
    notifyFormats: e.NOTIFY_FORMATS ?? {},
    notifyDefaultFormat: e.NOTIFY_FORMAT,
    consoleUrl: e.CONSOLE_URL?.replace(/\/+$/, ''),
    eventSource: e.EVENT_SOURCE,
    eventTypePrefix: e.EVENT_TYPE_PREFIX,
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
