/** One problem in a plan: where (path and, when known, source line) and what. */
export interface PlanError {
  path: string;
  line?: number;
  message: string;
}

export type PathSegment = string | number;

/** Finds the document line of a path, e.g. from a YAML syntax tree. */
export type LineLocator = (path: readonly PathSegment[]) => number | undefined;

/** `['phases', 2, 'checklist', 0]` → `phases[2].checklist[0]`. */
export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`,
    )
    .join('');
}

/** The deepest `source.line` met while walking `path` down `data`: the element the error belongs to. */
export function sourceLineOf(data: unknown, path: readonly PathSegment[]): number | undefined {
  let node: unknown = data;
  let line = lineOf(node);
  for (const segment of path) {
    if (node === null || typeof node !== 'object') break;
    node = (node as Record<PathSegment, unknown>)[segment];
    line = lineOf(node) ?? line;
  }
  return line;
}

function lineOf(node: unknown): number | undefined {
  if (node === null || typeof node !== 'object' || !('source' in node)) return undefined;
  const source = node.source;
  if (source === null || typeof source !== 'object' || !('line' in source)) return undefined;
  const line = source.line;
  return typeof line === 'number' ? line : undefined;
}

export function describeError(error: PlanError): string {
  const where = error.path === '' ? '(document)' : error.path;
  return error.line === undefined
    ? `${where}: ${error.message}`
    : `line ${error.line}: ${where}: ${error.message}`;
}
