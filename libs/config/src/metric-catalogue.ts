import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import {
  EMPTY_CATALOGUE,
  MetricCatalogueSchema,
  type MetricCatalogue,
} from '../../../workflows/engine/catalogue';

/**
 * The metric catalogue, read once at start-up by the API and the worker: the YAML or JSON file that
 * METRIC_CATALOGUE names. A catalogue that cannot be read or is invalid stops the process with one message
 * naming the file, each bad entry and its problem. METRIC_QUERIES (a JSON object, metric → PromQL) is the
 * deprecated shorthand: entries without units, an unnamed metric queried by its own name.
 */

export const METRIC_CATALOGUE_ENV = 'METRIC_CATALOGUE';
export const METRIC_QUERIES_ENV = 'METRIC_QUERIES';

export class MetricCatalogueError extends Error {
  override name = 'MetricCatalogueError';
}

export function loadMetricCatalogue(source: NodeJS.ProcessEnv = process.env): MetricCatalogue {
  const file = source[METRIC_CATALOGUE_ENV]?.trim();
  const shorthand = source[METRIC_QUERIES_ENV]?.trim();
  if (file && shorthand)
    throw new MetricCatalogueError(
      `Invalid metric catalogue: set ${METRIC_CATALOGUE_ENV} (the catalogue file) or the deprecated ${METRIC_QUERIES_ENV}, not both; move the queries of ${METRIC_QUERIES_ENV} into ${file}`,
    );
  if (file) return readCatalogueFile(file);
  if (shorthand) return fromShorthand(shorthand);
  return EMPTY_CATALOGUE;
}

/** Reads and validates a catalogue file (YAML, or JSON by its `.json` extension). */
export function readCatalogueFile(path: string): MetricCatalogue {
  const fail = (problem: string) =>
    new MetricCatalogueError(`Invalid metric catalogue ${path} (${METRIC_CATALOGUE_ENV}): ${problem}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw fail(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(error));
  }
  let document: unknown;
  try {
    document = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw fail(`not ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${firstLine(error)}`);
  }
  const parsed = MetricCatalogueSchema.safeParse(document ?? {});
  if (!parsed.success) throw fail(describeIssues(parsed.error.issues));
  return { source: path, strict: true, metrics: parsed.data.metrics };
}

function fromShorthand(text: string): MetricCatalogue {
  const fail = (problem: string) =>
    new MetricCatalogueError(`Invalid adapters configuration: ${METRIC_QUERIES_ENV}: ${problem}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fail('expected a JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw fail('expected a JSON object');
  const metrics: MetricCatalogue['metrics'] = {};
  for (const [metric, query] of Object.entries(value)) {
    if (typeof query !== 'string' || query.trim() === '')
      throw fail(`${metric}: expected a PromQL query (a non-empty string)`);
    metrics[metric] = { query: query.trim() };
  }
  return { source: METRIC_QUERIES_ENV, strict: false, metrics };
}

/** `entry "error_rate": unit: …` for each issue; the entry is the metric name under `metrics`. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const [top, entry, ...rest] = issue.path.map(String);
      if (top === 'metrics' && entry !== undefined) {
        const where = rest.length ? `${rest.join('.')}: ` : '';
        // A bad record key: the entry's name itself is the problem.
        const message =
          issue.code === 'invalid_key' && rest.length === 0
            ? 'not a plan metric name (a letter, then letters, digits, _ : .)'
            : issue.message;
        return `entry "${entry}": ${where}${message}`;
      }
      return `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
    })
    .join('; ');
}

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0];
