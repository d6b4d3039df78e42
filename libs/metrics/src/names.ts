import { collectDefaultMetrics, type Registry } from 'prom-client';

// Label values that come from outside (error codes, HTTP methods) are clamped to a bounded set here, so no caller
// can grow a metric's series without limit. Plan, guardrail, channel and status values come from plan documents
// and the engine's own enums; user ids and rollout ids are never labels.

/** Every metric of ours starts with this (Prometheus naming: a prefix per application). */
export const METRIC_PREFIX = 'rollout_engine_';

const CODE = /^[A-Z][A-Z0-9_]{0,47}$/;

/** An error code as a label value: our codes are UPPER_SNAKE; anything else is `OTHER`. */
export function codeLabel(code: unknown): string {
  return typeof code === 'string' && CODE.test(code) ? code : 'OTHER';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** An HTTP method as a label value (anything unusual is `OTHER`). */
export function methodLabel(method: string | undefined): string {
  const upper = (method ?? '').toUpperCase();
  return METHODS.has(upper) ? upper : 'OTHER';
}

/** A name from a plan document (plan, guardrail, channel id) as a label value: cut, never empty. */
export function nameLabel(name: unknown): string {
  return typeof name === 'string' && name.length > 0 ? name.slice(0, 128) : 'unknown';
}

/**
 * Node's process metrics (memory, CPU, event loop, GC) on `registry`, but for prom-client's three gauges named
 * `…_total` (active handles, requests, resources): a gauge must not end in `_total` (`promtool check metrics`
 * refuses them); the same counts remain by type in `…nodejs_active_handles` and the like.
 */
export function processMetrics(registry: Registry, prefix: string): void {
  collectDefaultMetrics({ register: registry, prefix });
  for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total'])
    registry.removeSingleMetric(`${prefix}nodejs_${name}`);
}
