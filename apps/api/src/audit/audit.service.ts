import { EntityManager, type FilterQuery } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { AuditEntry } from '../../../../libs/persistence/src';
import { graphQLError } from '../common/graphql-errors';
import type { AuditEntryModel, AuditLogConnection } from './models/audit-entry.model';

export const MAX_AUDIT_PAGE = 200;

/** A cursor is the entry's chain position; opaque to clients all the same. */
const encodeCursor = (seq: number): string => Buffer.from(`audit:${seq}`).toString('base64url');

function decodeCursor(cursor: string): number | undefined {
  const match = /^audit:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

export const toAuditEntryModel = (row: AuditEntry): AuditEntryModel => ({
  seq: row.seq,
  at: row.at,
  rolloutId: row.rolloutId,
  actor: row.actor,
  action: row.action,
  target: row.target,
  outcome: row.outcome,
  payloadJson: JSON.stringify(row.payload ?? {}),
  hash: row.hash,
  prevHash: row.prevHash ?? undefined,
});

/** Reads the audit log, newest first; only AuditLogService writes it. */
@Injectable()
export class AuditService {
  constructor(private readonly em: EntityManager) {}

  async page(rolloutId: string | undefined, first: number, after?: string): Promise<AuditLogConnection> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_AUDIT_PAGE)
      throw graphQLError('BAD_USER_INPUT', `first must be between 0 and ${MAX_AUDIT_PAGE}`);
    const where: FilterQuery<AuditEntry> = rolloutId === undefined ? {} : { rolloutId };
    if (after !== undefined) {
      const seq = decodeCursor(after);
      if (seq === undefined) throw graphQLError('BAD_USER_INPUT', 'after is not a cursor this API gave out');
      where.seq = { $lt: seq };
    }
    const rows = await this.em.fork().find(AuditEntry, where, { orderBy: { seq: 'desc' }, limit: first + 1 });
    const edges = rows
      .slice(0, first)
      .map((row) => ({ cursor: encodeCursor(row.seq), node: toAuditEntryModel(row) }));
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor } };
  }
}
