import { CloudEvent, HTTP } from 'cloudevents';
import type { NotifyFormat } from './adapters.config';

// What a notice looks like on the wire: always a CloudEvents 1.0 event (the same notice, the same `id` and
// `time`, so a receiver deduplicates a redelivery), sent as such or rendered for a chat tool's incoming webhook.

/**
 * What a notice tells, the last part of its CloudEvents type (`<prefix>.rollout.<kind>`). The first four are
 * the notices that ask a person to act; `message` is any other text a plan sends.
 */
export const NOTICE_KINDS = [
  'approval.requested',
  'item.requested',
  'gate.ready',
  'review.due',
  'rollback.failed',
  'phase.entered',
  'phase.retracted',
  'rollback.notice',
  'rollback.overrun',
  'guardrail.breached',
  'guardrail.no-data',
  'item.check-in',
  'item.overdue',
  'message',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** A notice as the outbox holds it. */
export interface Notice {
  /** The outbox key: the CloudEvent's `id`. */
  key: string;
  kind: NoticeKind;
  rolloutId: string;
  channel: string;
  audience: string | null;
  message: string;
  /** What the notice is about beyond its text (phase, item, step, review …), strings only. */
  details?: Record<string, string>;
  /** When the outbox first recorded it: the CloudEvent's `time`, the same on every redelivery. */
  recordedAt: Date;
}

export interface NoticeSettings {
  source: string;
  typePrefix: string;
  consoleUrl?: string;
}

/** The message payload, the event's `data` (the JSON body receivers got before CloudEvents, plus the link). */
export interface NoticeData {
  rolloutId: string;
  channel: string;
  audience: string | null;
  message: string;
  /** The message again: chat webhooks (Slack, Mattermost) display this field. */
  text: string;
  kind: NoticeKind;
  link?: string;
  [detail: string]: unknown;
}

/** The console page where the action is: the rollout's page (items, gate, reviews and rollback are there). */
export function consoleLink(consoleUrl: string | undefined, rolloutId: string): string | undefined {
  return consoleUrl ? `${consoleUrl}/rollouts/${encodeURIComponent(rolloutId)}` : undefined;
}

export function noticeEvent(notice: Notice, settings: NoticeSettings): CloudEvent<NoticeData> {
  const link = consoleLink(settings.consoleUrl, notice.rolloutId);
  return new CloudEvent<NoticeData>({
    specversion: '1.0',
    id: notice.key,
    source: settings.source,
    type: `${settings.typePrefix}.rollout.${notice.kind}`,
    subject: notice.rolloutId,
    time: notice.recordedAt.toISOString(),
    datacontenttype: 'application/json',
    data: {
      ...notice.details,
      rolloutId: notice.rolloutId,
      channel: notice.channel,
      audience: notice.audience,
      message: notice.message,
      text: notice.message,
      kind: notice.kind,
      ...(link && { link }),
    },
  });
}

const TITLES: Record<NoticeKind, string> = {
  'approval.requested': 'Approval requested',
  'item.requested': 'Checklist item waiting',
  'gate.ready': 'Gate ready to sign',
  'review.due': 'Review due',
  'rollback.failed': 'Rollback step failed',
  'phase.entered': 'Phase entered',
  'phase.retracted': 'Rolled back',
  'rollback.notice': 'Rollback',
  'rollback.overrun': 'Rollback over budget',
  'guardrail.breached': 'Guardrail breached',
  'guardrail.no-data': 'Guardrail without data',
  'item.check-in': 'Check-in',
  'item.overdue': 'Overdue',
  message: 'Rollout message',
};

export const noticeTitle = (kind: NoticeKind): string => TITLES[kind];

/** Slack's mrkdwn reserves these three characters. */
const slackEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Slack incoming-webhook message: `text` for notifications and old clients, `blocks` for the layout. */
export function slackMessage(event: CloudEvent<NoticeData>): { text: string; blocks: unknown[] } {
  const data = event.data!;
  const title = noticeTitle(data.kind);
  const context = [
    `Rollout \`${slackEscape(data.rolloutId)}\``,
    ...(data.audience ? [`for ${slackEscape(data.audience)}`] : []),
  ];
  return {
    text: `${title}: ${slackEscape(data.message)}${data.link ? ` <${data.link}|Open in console>` : ''}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${slackEscape(data.message)}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] },
      ...(data.link
        ? [
            {
              type: 'actions',
              elements: [
                { type: 'button', text: { type: 'plain_text', text: 'Open in console' }, url: data.link },
              ],
            },
          ]
        : []),
    ],
  };
}

/** A Teams message with one Adaptive Card (what Teams' Workflows webhooks take; connectors take it too). */
export function teamsMessage(event: CloudEvent<NoticeData>): unknown {
  const data = event.data!;
  const facts = [
    { title: 'Rollout', value: data.rolloutId },
    ...(data.audience ? [{ title: 'For', value: data.audience }] : []),
  ];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: noticeTitle(data.kind), weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text: data.message, wrap: true },
            { type: 'FactSet', facts },
          ],
          ...(data.link && {
            actions: [{ type: 'Action.OpenUrl', title: 'Open in console', url: data.link }],
          }),
        },
      },
    ],
  };
}

/** The HTTP request a channel of this format gets: headers and the body text. */
export function noticeRequest(
  event: CloudEvent<NoticeData>,
  format: NotifyFormat,
): { headers: Record<string, string>; body: string } {
  const json = (body: unknown) => ({
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  switch (format) {
    case 'slack':
      return json(slackMessage(event));
    case 'teams':
      return json(teamsMessage(event));
    case 'cloudevents-structured': {
      const m = HTTP.structured(event);
      return { headers: stringHeaders(m.headers), body: String(m.body) };
    }
    case 'cloudevents': {
      const m = HTTP.binary(event);
      return { headers: stringHeaders(m.headers), body: String(m.body) };
    }
  }
}

function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
}
