import { Document, LineCounter, parseDocument, visit, isMap, isSeq, isScalar, type Node } from 'yaml';
import type { LineLocator, PathSegment, PlanError } from './plan.errors';
import { PlanMessages as M } from './plan.messages';
import type { RolloutPlan } from './plan.schema';
import { validatePlan, type PlanValidation } from './plan.validate';

export type DocumentFormat = 'yaml' | 'json';

/** A plan is a few kilobytes; anything near this size is not a plan, and parsing it would only burn time. */
export const MAX_DOCUMENT_CHARS = 1_000_000;

/** Why `text` cannot be a plan document at all (empty, too large, binary), or undefined. */
export function documentProblem(text: string): string | undefined {
  if (text.length > MAX_DOCUMENT_CHARS) return M.DOCUMENT_TOO_LARGE(text.length, MAX_DOCUMENT_CHARS);
  if (hasBinaryBytes(text)) return M.BINARY_DOCUMENT;
  if (text.trim() === '') return M.EMPTY_DOCUMENT;
  return undefined;
}

/** NUL, other C0 controls or U+FFFD (what a decoder puts for invalid UTF-8) do not occur in a written plan. */
function hasBinaryBytes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13 && code !== 12) || code === 0xfffd)
      return true;
  }
  return false;
}

/**
 * Parses canonical YAML or JSON text (JSON is read by the YAML parser, which keeps positions) and validates
 * it. Never throws: every problem comes back as an error with a line where one is known.
 */
export function parsePlanDocument(text: string, options: { format?: DocumentFormat } = {}): PlanValidation {
  const format = options.format ?? (text.trimStart().startsWith('{') ? 'json' : 'yaml');
  const problem = documentProblem(text);
  if (problem) return { ok: false, errors: [{ path: '', message: problem }] };

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((error): PlanError => {
      const line = lineCounter.linePos(error.pos[0]).line;
      const message = M.MALFORMED_DOCUMENT(format.toUpperCase(), firstLine(error.message));
      return line === undefined ? { path: '', message } : { path: '', line, message };
    });
    return { ok: false, errors };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Alias bombs and similar structural abuse surface here rather than as parse errors.
    return {
      ok: false,
      errors: [{ path: '', message: M.MALFORMED_DOCUMENT(format.toUpperCase(), String(error)) }],
    };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    return { ok: false, errors: [{ path: '', line: 1, message: M.NOT_AN_OBJECT }] };
  return validatePlan(data, { locate: yamlLocator(doc, lineCounter) });
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

/** Line of the deepest node along `path` that exists in the YAML document. */
function yamlLocator(doc: Document, lineCounter: LineCounter): LineLocator {
  return (path: readonly PathSegment[]) => {
    let node: unknown = doc.contents;
    let line = lineOfNode(node, lineCounter);
    for (const segment of path) {
      if (isMap(node)) node = node.get(segment, true);
      else if (isSeq(node) && typeof segment === 'number') node = node.get(segment, true);
      else break;
      if (node === undefined) break;
      line = lineOfNode(node, lineCounter) ?? line;
    }
    return line;
  };
}

function lineOfNode(node: unknown, lineCounter: LineCounter): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? lineCounter.linePos(range[0]).line : undefined;
}

/** The canonical text of a plan: empty collections dropped, `source` written inline as `{ line: 18 }`. */
export function serializePlan(plan: RolloutPlan, format: DocumentFormat = 'yaml'): string {
  const data = prune(plan);
  if (format === 'json') return `${JSON.stringify(data, null, 2)}\n`;
  const doc = new Document(data);
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'source' && isMap(pair.value)) pair.value.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/** Drops undefined values and empty arrays/objects, which the schema's defaults restore on reading. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const pruned = prune(child);
    if (pruned === undefined) continue;
    if (Array.isArray(pruned) && pruned.length === 0) continue;
    if (typeof pruned === 'object' && pruned !== null && Object.keys(pruned).length === 0) continue;
    out[key] = pruned;
  }
  return out;
}
