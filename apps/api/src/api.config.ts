import { z } from 'zod';
import { loadMetricCatalogue, parseEnv } from '../../../libs/config/src';
import type { MetricCatalogue } from '../../../workflows/engine/catalogue';
import type { QueryLimits } from './common/query-limits';

const env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  API_ACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  API_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'expected a size like 1mb')
    .default('1mb'),
  API_MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(100).default(10),
  API_MAX_QUERY_COST: z.coerce.number().int().min(10).max(1_000_000).default(5_000),
  API_MAX_ROOT_FIELDS: z.coerce.number().int().min(1).max(1_000).default(20),
  API_MAX_QUERY_NODES: z.coerce.number().int().min(100).max(1_000_000).default(5_000),
  API_MAX_QUERY_TOKENS: z.coerce.number().int().min(1_000).max(1_000_000).default(15_000),
  LOG_FORMAT: z.enum(['json', 'text']).default('json'),
  // The worker's variable, read here too (same environment under `npm start`): it decides a rollout's default
  // metric source.
  PROMETHEUS_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export const API_CONFIG = Symbol('API_CONFIG');

export interface ApiConfig {
  port: number;
  host: string;
  /** How long a request waits on a rollout's workflow before answering UNAVAILABLE. */
  actionTimeoutMs: number;
  bodyLimit: string;
  queryLimits: QueryLimits;
  /** `json`: one JSON object per line (with the request ID); `text`: Nest's coloured lines. */
  logFormat: 'json' | 'text';
  /**
   * The metric catalogue (METRIC_CATALOGUE, or the deprecated METRIC_QUERIES), read at start-up: an invalid
   * one stops the API. A rollout start checks its plan against it (planMetricProblems).
   */
  metricCatalogue: MetricCatalogue;
  /** PROMETHEUS_URL, as the worker reads it: when set, rollouts read Prometheus unless they ask otherwise. */
  prometheusUrl?: string;
}

export function loadApiConfig(source: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e = parseEnv(env, source, 'API');
  return {
    port: e.PORT,
    host: e.HOST,
    actionTimeoutMs: e.API_ACTION_TIMEOUT_MS,
    bodyLimit: e.API_BODY_LIMIT,
    queryLimits: {
      maxDepth: e.API_MAX_QUERY_DEPTH,
      maxCost: e.API_MAX_QUERY_COST,
      maxRootFields: e.API_MAX_ROOT_FIELDS,
      maxNodes: e.API_MAX_QUERY_NODES,
      maxTokens: e.API_MAX_QUERY_TOKENS,
    },
    logFormat: e.LOG_FORMAT,
    metricCatalogue: loadMetricCatalogue(source),
    prometheusUrl: e.PROMETHEUS_URL,
  };
}
