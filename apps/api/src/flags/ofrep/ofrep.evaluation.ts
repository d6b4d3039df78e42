import { createHash } from 'node:crypto';
import { ALL_SEGMENTS } from '../../../../../libs/persistence/src/flag-segments';
import type { FlagValue } from '../../../../../libs/plan/src/model';
import { textProblem } from '../../common/input-checks';

// OpenFeature Remote Evaluation Protocol (open-feature/protocol, service/openapi.yaml, v0.3.0), as pure
// functions: what a request's context means, what a flag evaluates to and why, and the bulk answer's ETag.
// The controller only reads the store and writes the answer.

/** OFREP's error codes this server answers with (OpenFeature's error codes). */
export type OfrepErrorCode = 'PARSE_ERROR' | 'INVALID_CONTEXT' | 'FLAG_NOT_FOUND';

/**
 * Why a flag has its value (OpenFeature resolution reasons). `TARGETING_MATCH`: the context's environment
 * has a value of its own. `STATIC`: everyone's value, set by a rollout's phase (or by hand). `DEFAULT`:
 * everyone's value is the default the plan declares (no phase set it, or a rollback put it back).
 * OFREP 0.3.0 lists STATIC, TARGETING_MATCH, SPLIT, DISABLED, UNKNOWN; DEFAULT is OpenFeature's own reason
 * for "fell back to a pre-configured value", which is what a plan's default is; the SDK passes it through.
 */
export type OfrepReason = 'STATIC' | 'TARGETING_MATCH' | 'DEFAULT';

/** One row of the flag store, with the default the plan of the rollout that last wrote it declares. */
export interface StoredFlag {
  key: string;
  segment: string;
  value: FlagValue;
  updatedBy: string;
  updatedAt: Date;
  rolloutId: string | null;
  /** The `default` of this flag in the plan of `rolloutId`; undefined when that plan does not declare it. */
  declaredDefault?: FlagValue;
}

/** What we read from an evaluation context: the environment, `*` when none is named. */
export interface OfrepContext {
  environment: string;
}

export type OfrepMetadata = Record<string, string | number | boolean>;

export interface OfrepSuccess {
  key: string;
  value: FlagValue;
  reason: OfrepReason;
  variant: string;
  metadata: OfrepMetadata;
}

export interface OfrepFailure {
  key: string;
  errorCode: OfrepErrorCode;
  errorDetails: string;
}

export type OfrepEvaluation = OfrepSuccess | OfrepFailure;

export const isFailure = (e: OfrepEvaluation): e is OfrepFailure => 'errorCode' in e;

/** An environment name is a segment of the store: the same bound as its column. */
const MAX_ENVIRONMENT = 128;

/**
 * Reads an evaluation request's body. Not an object with an object `context`: PARSE_ERROR. The context
 * may carry anything (targetingKey, user attributes: no flag here targets by them); only `environment`
 * is read, and must be non-empty sane text of at most 128 characters, else INVALID_CONTEXT.
 */
export function parseEvaluationRequest(
  body: unknown,
): { ok: true; context: OfrepContext } | { ok: false; errorCode: OfrepErrorCode; errorDetails: string } {
  if (!isObject(body) || !isObject(body.context))
    return {
      ok: false,
      errorCode: 'PARSE_ERROR',
      errorDetails: 'The request body must be a JSON object with a "context" object',
    };
  const environment = body.context.environment;
  if (environment === undefined || environment === null)
    return { ok: true, context: { environment: ALL_SEGMENTS } };
  const problem =
    typeof environment !== 'string'
      ? 'must be a string'
      : environment.trim() === ''
        ? 'must not be blank'
        : environment.length > MAX_ENVIRONMENT
          ? `must be at most ${MAX_ENVIRONMENT} characters`
          : textProblem(environment);
  if (problem)
    return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: `context.environment ${problem}` };
  return { ok: true, context: { environment: environment as string } };
}

/** The flag store's key column holds at most this many characters. */
const MAX_KEY = 255;

/**
 * Why a requested key cannot name a flag (too long for the store, control characters, a lone surrogate),
 * or undefined: such a key is answered FLAG_NOT_FOUND without reading the store.
 */
export function flagKeyProblem(key: string): string | undefined {
  if (key.length > MAX_KEY) return `a flag key is at most ${MAX_KEY} characters`;
  const problem = textProblem(key);
  return problem && `a flag key ${problem}`;
}

/**
 * One flag for a context: the environment's own row over everyone's (`*`), as GET /flags reads them. No row
 * for the key in either: FLAG_NOT_FOUND (a provider then reports the error, not a silent code default).
 * `rows` may hold other keys and segments; only `key`'s in the two segments count.
 */
export function evaluateFlag(
  key: string,
  rows: readonly StoredFlag[],
  context: OfrepContext,
): OfrepEvaluation {
  const mine = rows.filter((r) => r.key === key);
  const own =
    context.environment === ALL_SEGMENTS ? undefined : mine.find((r) => r.segment === context.environment);
  const everyone = mine.find((r) => r.segment === ALL_SEGMENTS);
  const row = own ?? everyone;
  if (!row) {
    const where = context.environment === ALL_SEGMENTS ? '' : ` for environment '${context.environment}'`;
    return { key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `Flag '${key}' was not found${where}` };
  }
  const [reason, variant] = why(row);
  const metadata: OfrepMetadata = {
    segment: row.segment,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt.toISOString(),
  };
  if (row.rolloutId !== null) metadata.rolloutId = row.rolloutId;
  return { key, value: row.value, reason, variant, metadata };
}

/** Every flag the context sees (everyone's and its environment's keys), by key. */
export function evaluateAll(rows: readonly StoredFlag[], context: OfrepContext): OfrepEvaluation[] {
  const keys = new Set(
    rows.filter((r) => r.segment === ALL_SEGMENTS || r.segment === context.environment).map((r) => r.key),
  );
  return [...keys].sort().map((key) => evaluateFlag(key, rows, context));
}

function why(row: StoredFlag): [OfrepReason, string] {
  if (row.segment !== ALL_SEGMENTS) return ['TARGETING_MATCH', `environment:${row.segment}`];
  if (row.declaredDefault !== undefined && row.declaredDefault === row.value) return ['DEFAULT', 'default'];
  return ['STATIC', row.rolloutId !== null ? `rollout:${row.rolloutId}` : 'static'];
}

/**
 * The bulk answer's entity tag: a strong tag over the evaluations themselves (values, reasons, metadata with
 * each row's update time), so it changes exactly when what this context reads changes.
 */
export function bulkEtag(flags: readonly OfrepEvaluation[]): string {
  const digest = createHash('sha256').update(JSON.stringify(flags)).digest('base64url');
  return `"${digest.slice(0, 32)}"`;
}

/**
 * Whether `If-None-Match` names this tag (RFC 9110 13.1.2: `*`, or a list compared weakly, so `W/"x"`
 * matches `"x"`): the client's copy is current and the answer is 304.
 */
export function ifNoneMatch(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return text.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/**
 * The OFREP route a request path is (`key` for the one-flag route), or undefined. A body the JSON parser
 * refused never reaches the route: the error filter answers it as OFREP's PARSE_ERROR by this.
 */
export function ofrepRoute(path: string): { key?: string } | undefined {
  const match = /^\/ofrep\/v1\/evaluate\/flags(?:\/([^/]+))?\/?$/.exec(path);
  if (!match) return undefined;
  if (match[1] === undefined) return {};
  try {
    return { key: decodeURIComponent(match[1]) };
  } catch {
    return { key: match[1] };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
