import { Injectable } from '@nestjs/common';
import { MikroORM, UniqueConstraintViolationException } from '@mikro-orm/core';
import { AuditEntry } from '../libs/persistence/src/entities/audit-entry.entity';
import { activityKey } from './activity-key';

export interface AuditRecord {
  rolloutId: string;
  actor: string;
  action: string;
  target: string;
  payload: Record<string, unknown>;
  outcome?: 'accepted' | 'refused';
  /** When it happened (ISO 8601, the workflow's clock); defaults to now. */
  at?: string;
}

@Injectable()
export class AuditActivities {
  constructor(private readonly orm: MikroORM) {}

  /** Appends one audit row. Safe to retry: the row is keyed by the activity that writes it. */
  async recordAudit(record: AuditRecord): Promise<void> {
    const idempotencyKey = activityKey();
    // Activities run outside any request: each gets its own forked entity manager.
    const em = this.orm.em.fork();
    if (await em.count(AuditEntry, { idempotencyKey })) return;
    em.create(AuditEntry, {
      ...record,
      outcome: record.outcome ?? 'accepted',
      idempotencyKey,
      at: new Date(),
    });
    try {
      await em.flush();
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
    }
  }
}
