import { z } from 'zod';
import { durationToMillis } from '../../../../libs/plan/src/duration';
import type { MetricsSettings } from '../../../../workflows/engine/messages';
import { safeText, zodProblems } from '../common/input-checks';

// How a rollout started through the API reads its guardrail metrics: `parameters.metrics { source cadence }`,
// checked here (sane input, sane bounds) and handed to the workflow as PlanRolloutInput.parameters.metrics.

/** Where the API lets a rollout's guardrails read: Prometheus, or readings pushed (recordMetricSample). */
export type ApiMetricSource = 'prometheus' | 'pushed';

/** The fastest and slowest cadence a rollout may ask for. */
export const MIN_CADENCE_SECONDS = 1;
export const MAX_CADENCE_SECONDS = 3_600;
/** The engine's default cadence (a minute). */
export const DEFAULT_CADENCE_SECONDS = 60;

export interface MetricsParametersInput {
  source?: ApiMetricSource;
  /** A duration: ISO 8601 ("PT30S") or short ("30s", "2m", "1h"), or a number of seconds ("30"). */
  cadence?: string;
  /** The same as a number of seconds. */
  cadenceSeconds?: number;
}

export interface MetricsChoice {
  source: ApiMetricSource;
  cadenceSeconds: number;
}

export const MetricsParameterMessages = {
  BAD_CADENCE: (text: string) =>
    `metrics.cadence "${text}" is not a duration (use seconds, "30s", "2m", "1h" or ISO 8601 "PT30S")`,
  CADENCE_BOUNDS: (seconds: number) =>
    `metrics.cadence must be between ${MIN_CADENCE_SECONDS} second and ${MAX_CADENCE_SECONDS / 60} minutes (got ${seconds} s)`,
  BOTH_CADENCES: 'metrics: give cadence or cadenceSeconds, not both',
  NO_PROMETHEUS:
    'metrics.source PROMETHEUS needs PROMETHEUS_URL, which is not configured: use PUSHED, or configure Prometheus',
} as const;

const SHORT = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?$/i;
const FACTOR: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3_600 };

/** Seconds in a cadence text, or undefined when it is not a duration. */
export function cadenceSecondsOf(text: string): number | undefined {
  const trimmed = text.trim();
  const short = SHORT.exec(trimmed);
  if (short) {
    const unit = (short[2] ?? 's').toLowerCase();
    const key = unit === 'ms' ? 'ms' : unit[0];
    return Number(short[1]) * (FACTOR[key] ?? 1);
  }
  if (/^P/i.test(trimmed)) {
    const ms = durationToMillis(trimmed.toUpperCase());
    return ms === undefined ? undefined : ms / 1_000;
  }
  return undefined;
}

const schema = z
  .strictObject({
    source: z.enum(['prometheus', 'pushed']).optional(),
    cadence: safeText.max(40).optional(),
    cadenceSeconds: z.number().finite().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.cadence !== undefined && value.cadenceSeconds !== undefined)
      ctx.addIssue({ code: 'custom', message: MetricsParameterMessages.BOTH_CADENCES });
  })
  .transform((value, ctx) => {
    let seconds = value.cadenceSeconds ?? DEFAULT_CADENCE_SECONDS;
    if (value.cadence !== undefined) {
      const parsed = cadenceSecondsOf(value.cadence);
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: MetricsParameterMessages.BAD_CADENCE(value.cadence) });
        return z.NEVER;
      }
      seconds = parsed;
    }
    if (!(seconds >= MIN_CADENCE_SECONDS && seconds <= MAX_CADENCE_SECONDS)) {
      ctx.addIssue({ code: 'custom', message: MetricsParameterMessages.CADENCE_BOUNDS(seconds) });
      return z.NEVER;
    }
    return { source: value.source, cadenceSeconds: seconds };
  });

/**
 * The rollout's metric source and cadence, or the problems (one line each) that refuse the start. The source
 * defaults to Prometheus whenever PROMETHEUS_URL is configured, else to pushed readings; asking for Prometheus
 * without it is refused (every reading would be no data).
 */
export function parseMetricsParameters(
  input: MetricsParametersInput | undefined,
  env: { prometheusUrl?: string },
): { choice: MetricsChoice; problems?: undefined } | { choice?: undefined; problems: string[] } {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) return { problems: zodProblems(parsed.error, 'metrics') };
  const source = parsed.data.source ?? (env.prometheusUrl ? 'prometheus' : 'pushed');
  if (source === 'prometheus' && !env.prometheusUrl)
    return { problems: [MetricsParameterMessages.NO_PROMETHEUS] };
  return { choice: { source, cadenceSeconds: parsed.data.cadenceSeconds } };
}

/** The workflow's settings for a choice. */
export const metricsSettingsOf = (choice: MetricsChoice): Pick<MetricsSettings, 'source' | 'cadenceMs'> => ({
  source: choice.source,
  cadenceMs: Math.round(choice.cadenceSeconds * 1_000),
});
