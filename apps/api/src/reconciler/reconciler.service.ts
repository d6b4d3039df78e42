import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AuditLogService, RolloutProjection } from '../../../../libs/persistence/src';
import {
  CLOSED_STATUSES,
  decide,
  FINAL_VERSION,
  quotable,
  TERMINATED,
  type OpenRow,
  type TerminatedDecision,
} from './reconcile';
import { RECONCILER_CONFIG, type ReconcilerConfig } from './reconciler.config';
import { RECONCILER_TEMPORAL, type ReconcilerTemporal } from './reconciler.temporal';

/** What one tick did. */
export interface TickReport {
  /** Open rows compared with Temporal. */
  checked: number;
  /** Rows this instance marked TERMINATED (another instance may have marked others). */
  terminated: string[];
  /** Why the tick stopped early (Temporal or the database unreachable …); the next tick tries again. */
  error?: string;
}

/**
 * Marks TERMINATED the rollouts that Temporal terminated or timed out (which no workflow code can see), so
 * the list shows them within a tick or two. Every API instance runs one: each tick reads open projection rows
 * page by page (at most `maxRowsPerTick`, going on next tick from where it stopped), asks Temporal's
 * visibility once per page which of their workflows ended so, confirms each with `describe`, and changes a
 * row only if it is still as read (so two instances never both write it, nor audit it twice). Ticks never
 * overlap; a failure is logged and the next tick tries again; shutdown waits for the tick in progress.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  /** Where the next tick starts (the last rollout id checked), '' for the start. */
  private cursor = '';
  /** Rows marked TERMINATED whose audit entry could not be written yet: tried again first thing each tick. */
  private readonly unaudited = new Map<string, TerminatedDecision>();

  constructor(
    @Inject(RECONCILER_CONFIG) private readonly config: ReconcilerConfig,
    @Inject(RECONCILER_TEMPORAL) private readonly temporal: ReconcilerTemporal,
    private readonly orm: MikroORM,
    private readonly audit: AuditLogService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.intervalMs <= 0) {
      this.logger.log('off (RECONCILE_INTERVAL_MS=0)');
      return;
    }
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** The next tick, `intervalMs` after the end of the last one (so they never overlap). */
  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then((report) => {
          if (report.error) this.logger.warn(`tick stopped early, trying again next tick: ${report.error}`);
        })
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.config.intervalMs);
    // The HTTP server keeps the process alive, not this timer.
    this.timer.unref();
  }

  /** One pass; never throws (what went wrong is in the report). */
  async tick(now: () => Date = () => new Date()): Promise<TickReport> {
    const report: TickReport = { checked: 0, terminated: [] };
    try {
      for (const [key, decision] of this.unaudited) {
        await this.audit.append({ ...decision.audit, at: now() });
        this.unaudited.delete(key);
      }
      while (!this.stopped && report.checked < this.config.maxRowsPerTick) {
        const limit = Math.min(this.config.pageSize, this.config.maxRowsPerTick - report.checked);
        const rows = await this.openRows(this.cursor, limit);
        report.checked += rows.length;
        for (const decision of await this.decisions(rows, now)) {
          if (await this.apply(decision, now())) report.terminated.push(decision.rolloutId);
        }
        // At the end of the table the next tick starts over; otherwise it goes on after the last row read.
        this.cursor = rows.length < limit ? '' : rows[rows.length - 1].rolloutId;
        if (!this.cursor) break;
      }
    } catch (error) {
      report.error = error instanceof Error ? error.message : String(error);
    }
    return report;
  }

  /** Up to `limit` open rows after `after`, in rollout id order. */
  private async openRows(after: string, limit: number): Promise<OpenRow[]> {
    const rows = await this.orm.em
      .fork()
      .find(
        RolloutProjection,
        { status: { $nin: [...CLOSED_STATUSES] }, ...(after && { rolloutId: { $gt: after } }) },
        { orderBy: { rolloutId: 'asc' }, limit, fields: ['rolloutId', 'workflowId', 'status', 'version'] },
      );
    return rows.map(({ rolloutId, workflowId, status, version }) => ({
      rolloutId,
      workflowId,
      status,
      version,
    }));
  }

  /** The rows Temporal ended outside the engine: one visibility query for the page, then `describe` each hit. */
  private async decisions(rows: OpenRow[], now: () => Date): Promise<TerminatedDecision[]> {
    if (!rows.length) return [];
    const { temporalDeadlineMs: ms } = this.config;
    const inline = rows.filter((r) => quotable(r.workflowId));
    const hits = inline.length
      ? await this.temporal.endedOutside(
          inline.map((r) => r.workflowId),
          ms,
        )
      : new Set();
    // Visibility names any run; `describe` tells whether the latest is the one that ended so.
    const candidates = rows.filter((r) => hits.has(r.workflowId) || !quotable(r.workflowId));
    const decisions: TerminatedDecision[] = [];
    for (const row of candidates) {
      const decision = decide(row, await this.temporal.describe(row.workflowId, ms), now());
      if (decision) decisions.push(decision);
    }
    return decisions;
  }

  /**
   * Marks the row TERMINATED if it is still as read, then audits it (the projection first, as every
   * transition: an event seen in the audit log means the list already shows it). False if another writer
   * (an API instance, the workflow's last write) changed the row first.
   */
  private async apply(decision: TerminatedDecision, at: Date): Promise<boolean> {
    const changed = await this.orm.em.fork().nativeUpdate(
      RolloutProjection,
      {
        rolloutId: decision.rolloutId,
        status: decision.expected.status,
        version: decision.expected.version,
      },
      { status: TERMINATED, updatedAt: at, completedAt: decision.closeTime, version: FINAL_VERSION },
    );
    if (changed !== 1) return false;
    this.logger.log(
      `rollout ${decision.rolloutId}: ${decision.temporalStatus} in Temporal at ${decision.closeTime.toISOString()}, marked ${TERMINATED}`,
    );
    try {
      await this.audit.append({ ...decision.audit, at });
    } catch (error) {
      this.unaudited.set(decision.audit.idempotencyKey, decision);
      throw error;
    }
    return true;
  }
}
