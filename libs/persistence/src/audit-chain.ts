import { createHash } from 'node:crypto';

/**
 * How an audited action ended: accepted or refused (a person's action), ok (the engine's own step), skipped
 * (asked for nothing that could be done: a resolved alert …) or failed (could not be done now: the engine
 * was unreachable).
 */
export type AuditOutcome = 'accepted' | 'refused' | 'ok' | 'skipped' | 'failed';

/** Everything an audit entry's hash covers: every stored column but the row id and the hash itself. */
export interface AuditHashInput {
  /** Position in the chain, from 1. */
  seq: number;
  idempotencyKey: string;
  rolloutId: string;
  actor: string;
  action: string;
  target: string;
  payload: unknown;
  outcome: string;
  at: Date;
  /** The previous entry's hash; null for the first entry. */
  prevHash: string | null;
}

/** U+FFFD, what text that cannot be stored faithfully becomes. */
export const REPLACEMENT = '\uFFFD';

// A high surrogate not followed by a low one, or a low one not preceded by a high one (UTF-16 code units).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 and C1 control characters (NUL included) and DEL, but tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * Text as every database stores and reads it back unchanged: lone UTF-16 surrogates (which UTF-8 cannot
 * encode: SQLite stores U+FFFD, PostgreSQL refuses) and control characters (NUL, which neither PostgreSQL's
 * `text` nor `jsonb` accepts, and the rest of C0/C1 but tab and line breaks) each become U+FFFD. Cut to
 * `max` UTF-16 code units first when given (a column's length), so a cut surrogate pair is mended too.
 */
export function storableText(text: string, max?: number): string {
  const cut = max !== undefined && text.length > max ? text.slice(0, max) : text;
  return cut.replace(LONE_SURROGATE, REPLACEMENT).replace(CONTROL, REPLACEMENT);
}

/** The same for every string (and every object key) of JSON-like data, at every depth. */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [storableText(k), storableJson(v)]),
  );
}

/**
 * JSON with object keys sorted at every depth and no whitespace, so the same data always gives the same
 * text whatever order a database (PostgreSQL `jsonb`) or a caller put the keys in. Values first go through
 * JSON itself, as storing them does: `undefined` members vanish, dates become strings, NaN becomes null.
 */
export function canonicalJson(value: unknown): string {
  const plain: unknown = value === undefined ? null : JSON.parse(JSON.stringify(value));
  return JSON.stringify(sortKeys(plain));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, sortKeys(record[key])]),
  );
}

/** The entry's hash: SHA-256 (hex) of the canonical JSON of every field it covers, the previous hash included. */
export function auditHash(entry: AuditHashInput): string {
  const covered = {
    seq: entry.seq,
    idempotencyKey: entry.idempotencyKey,
    rolloutId: entry.rolloutId,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    payload: entry.payload,
    outcome: entry.outcome,
    at: entry.at.toISOString(),
    prevHash: entry.prevHash,
  };
  return createHash('sha256').update(canonicalJson(covered), 'utf8').digest('hex');
}
