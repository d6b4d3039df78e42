import { Injectable, Optional } from '@nestjs/common';
import { ApplicationFailure } from '@temporalio/common';
import type { AuditOutcome } from '../libs/persistence/src/audit-chain';
import { AuditLogService } from '../libs/persistence/src/audit-log.service';
import { activityKey } from './activity-key';
import { ActivityMetrics } from './activity-metrics';

export interface AuditRecord {
  rolloutId: string;
  actor: string;
  action: string;
  target: string;
  payload: Record<string, unknown>;
  /** Defaults to 'accepted'. */
  outcome?: AuditOutcome;
  /** When it happened (ISO 8601, the workflow's clock); defaults to now. */
  at?: string;
}

@Injectable()
export class AuditActivities {
  constructor(
    private readonly auditLog: AuditLogService,
    @Optional() private readonly counts?: ActivityMetrics,
  ) {}

  /** Appends one entry to the audit chain. Safe to retry: the entry is keyed by the activity that writes it. */
  async recordAudit(record: AuditRecord): Promise<void> {
    const at = record.at ? new Date(record.at) : new Date();
    if (Number.isNaN(at.getTime())) {
      // A retry would get the same time: fail the activity for good rather than retry it forever.
      throw ApplicationFailure.nonRetryable(
        `audit record time "${record.at}" is not a date`,
        'InvalidAuditRecord',
      );
    }
    const { created } = await this.auditLog.append({
      ...record,
      idempotencyKey: activityKey(),
      outcome: record.outcome ?? 'accepted',
      at,
    });
    // Counted once: a retry that finds its entry already written counts nothing.
    if (created) await this.counts?.audited(record, at);
  }
}
