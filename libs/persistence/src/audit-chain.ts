import { createHash } from 'node:crypto';

/** How an audited action ended: accepted or refused (a person's action), ok (the engine's own step). */
export type AuditOutcome = 'accepted' | 'refused' | 'ok';

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
