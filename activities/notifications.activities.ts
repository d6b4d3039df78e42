import { Inject, Injectable, Optional } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { ApplicationFailure } from '@temporalio/common';
import { OutboxMessage } from '../libs/persistence/src/entities/outbox-message.entity';
import { ActivityMetrics } from './activity-metrics';
import { ADAPTERS_CONFIG, type AdaptersConfig } from './adapters.config';
import { httpCall } from './http-call';

export interface NotifyInput {
  rolloutId: string;
  channel: string;
  audience?: string;
  message: string;
  /** Chosen by the workflow, stable across retries and replays; the receiver sees it as `Idempotency-Key`. */
  idempotencyKey: string;
}

@Injectable()
export class NotificationsActivities {
  constructor(
    private readonly orm: MikroORM,
    @Inject(ADAPTERS_CONFIG) private readonly config: AdaptersConfig,
    @Optional() private readonly counts?: ActivityMetrics,
  ) {}

  /**
   * Records the message in the outbox (once per key), then POSTs it to the channel's webhook. A message
   * already `sent` or `recorded` is not sent again. Without a webhook for the channel it stays `recorded`.
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
    row.attempts += 1;
    try {
      await httpCall(
        {
          method: 'POST',
          url,
          idempotencyKey,
          timeoutMs: this.config.timeoutMs,
          // `text` too: chat webhooks (Slack, Mattermost) display that field.
          body: {
            rolloutId,
            channel: row.channel,
            audience: row.audience,
            message: row.message,
            text: row.message,
          },
        },
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
