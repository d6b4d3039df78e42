import { Inject, Injectable, Optional } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { ApplicationFailure } from '@temporalio/common';
import { OutboxMessage } from '../libs/persistence/src/entities/outbox-message.entity';
import { ActivityMetrics } from './activity-metrics';
import { ADAPTERS_CONFIG, type AdaptersConfig } from './adapters.config';
import { httpCall } from './http-call';
import { type NoticeKind, noticeEvent, noticeRequest, NOTICE_KINDS } from './notice-format';

export type { NoticeKind } from './notice-format';

export interface NotifyInput {
  rolloutId: string;
  channel: string;
  audience?: string;
  message: string;
  /** Chosen by the workflow, stable across retries and replays; the receiver sees it as `Idempotency-Key`. */
  idempotencyKey: string;
  /** What the notice tells: its CloudEvents type is `<prefix>.rollout.<kind>` (`message` when not said). */
  kind?: NoticeKind;
  /** What it is about beyond its text (phase, item, step …): fields of the event's data. */
  details?: Record<string, string>;
}

@Injectable()
export class NotificationsActivities {
  constructor(
    private readonly orm: MikroORM,
    @Inject(ADAPTERS_CONFIG) private readonly config: AdaptersConfig,
    @Optional() private readonly counts?: ActivityMetrics,
  ) {}

  /**
   * Records the notice in the outbox (once per key), then POSTs it to the channel's webhook as a CloudEvent
   * (or a chat message, by the channel's format) built from the row, so a retry after a crash sends the same
   * event (same id and time). A notice already `sent` or `recorded` is not sent again. Without a webhook for
   * the channel it stays `recorded`.
   */
  async notify(input: NotifyInput): Promise<{ status: 'sent' | 'recorded' }> {
    const { idempotencyKey, rolloutId, channel, message } = input;
    // The first call writes the row; a retry or a repeat keeps the first row and its status.
    await this.orm.em.fork().upsert(
      OutboxMessage,
      {
        idempotencyKey,
        rolloutId,
        channel,
        audience: input.audience ?? null,
        message,
        kind: input.kind ?? 'message',
        details: input.details && Object.keys(input.details).length ? JSON.stringify(input.details) : null,
        status: 'pending',
        attempts: 0,
        createdAt: new Date(),
      },
      { onConflictFields: ['idempotencyKey'], onConflictAction: 'ignore' },
    );
    const em = this.orm.em.fork();
    const row = await em.findOneOrFail(OutboxMessage, { idempotencyKey });
    if (row.status === 'sent' || row.status === 'recorded') return { status: row.status };

    const url = this.config.notifyUrls[row.channel] ?? this.config.notifyDefaultUrl;
    if (!url) {
      row.status = 'recorded';
      await em.flush();
      this.counts?.notified(row.channel, 'recorded');
      return { status: 'recorded' };
    }
    const event = noticeEvent(
      {
        key: row.idempotencyKey,
        kind: (NOTICE_KINDS as readonly string[]).includes(row.kind ?? '')
          ? (row.kind as NoticeKind)
          : 'message',
        rolloutId: row.rolloutId,
        channel: row.channel,
        audience: row.audience,
        message: row.message,
        details: row.details ? (JSON.parse(row.details) as Record<string, string>) : undefined,
        recordedAt: row.createdAt,
      },
      {
        source: this.config.eventSource,
        typePrefix: this.config.eventTypePrefix,
        consoleUrl: this.config.consoleUrl,
      },
    );
    const format = this.config.notifyFormats[row.channel] ?? this.config.notifyDefaultFormat;
    const { headers, body } = noticeRequest(event, format);
    row.attempts += 1;
    try {
      await httpCall(
        { method: 'POST', url, idempotencyKey, timeoutMs: this.config.timeoutMs, headers, bodyText: body },
        { what: `Notification to channel ${row.channel}`, failure: 'Notification' },
      );
    } catch (err) {
      const rejected = err instanceof ApplicationFailure && err.nonRetryable;
      Object.assign(row, { status: rejected ? 'failed' : 'pending', lastError: (err as Error).message });
      await em.flush();
      this.counts?.notified(row.channel, rejected ? 'failed' : 'retry');
      throw err;
    }
    Object.assign(row, { status: 'sent', sentAt: new Date(), lastError: null });
    await em.flush();
    this.counts?.notified(row.channel, 'sent');
    return { status: 'sent' };
  }
}
