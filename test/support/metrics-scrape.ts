import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// Reading our /metrics in the suites: Prometheus's text format parsed to samples, and Debian's `promtool check
// metrics` (package `prometheus`) run on it. Suites skip the promtool check only when the binary is absent and
// REQUIRE_MONITORING is not set (CI sets it, like the Prometheus suites: see prometheus.ts).

/** promtool: env PROMTOOL_BIN, Debian's, then PATH. */
export function findPromtool(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'promtool'));
  return [env.PROMTOOL_BIN, '/usr/bin/promtool', ...onPath].find((f): f is string => !!f && existsSync(f));
}

/** `promtool check metrics` on an exposition: ok, and what it printed (problems, one a line). */
export function promtoolCheck(promtool: string, exposition: string): { ok: boolean; output: string } {
  const r = spawnSync(promtool, ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

/** Sample values by `name{label="value",…}` (labels sorted), e.g. `x_total{plan="p",status="RUNNING"}`. */
export type Samples = Map<string, number>;

export function parseSamples(exposition: string): Samples {
  const samples: Samples = new Map();
  for (const line of exposition.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, k, v]) => `${k}="${v}"`)
      .sort();
    samples.set(labels.length ? `${m[1]}{${labels.join(',')}}` : m[1], Number(m[3]));
  }
  return samples;
}

/** A sample's key as `parseSamples` writes it. */
export function sampleKey(name: string, labels: Record<string, string> = {}): string {
  const parts = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort();
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

/** One sample's value (0 when absent: a counter not yet incremented has no series). */
export function sampleValue(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  return samples.get(sampleKey(name, labels)) ?? 0;
}

/** The sum over every series of `name` whose labels include `labels`. */
export function sampleSum(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const [key, value] of samples) {
    const [metric, rest = ''] = key.split('{');
    if (metric === name && wanted.every((w) => rest.includes(w))) sum += value;
  }
  return sum;
}
