import { CloudEvent, HTTP } from 'cloudevents';
import { OutboxMessage } from '../libs/persistence/src';
import { inActivity } from '../test/support/activity-env';
import { failureOf } from '../test/support/failures';
import { startWebhookReceiver } from '../test/support/webhook-receiver';
import { createActivityContext } from '../test/support/worker-context';

let ctx: Awaited<ReturnType<typeof createActivityContext>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  ctx = await createActivityContext({
    adapters: {
      notifyUrls: { ops: `${receiver.url}/ops`, merchants: `${receiver.url}/merchants` },
      notifyDefaultUrl: `${receiver.url}/default`,
      notifyFormats: { merchants: 'cloudevents', ops: 'cloudevents', chat: 'slack' },
      consoleUrl: 'https://rollouts.example.com',
      eventTypePrefix: 'com.example',
    },
  });
});
afterAll(async () => {
  await ctx.close();
  await receiver.close();
});
beforeEach(() => {
  receiver.received.length = 0;
});

const outbox = (idempotencyKey: string) => ctx.orm.em.fork().findOneOrFail(OutboxMessage, { idempotencyKey });

describe('notify', () => {
  test('records the message, POSTs it to the channel’s webhook once as a CloudEvent, and marks it sent', async () => {
    const input = {
      rolloutId: 'r1',
      channel: 'merchants',
      audience: 'pilot merchants',
      message: 'Pilot starts today',
      kind: 'phase.entered' as const,
      details: { phaseId: 'pilot' },
      idempotencyKey: 'rollout-r1/phase/pilot/comm/0',
    };
    await expect(inActivity('1')(ctx.activities.notify, input)).resolves.toEqual({ status: 'sent' });
    // Repeating it (a retry after the worker lost the result, or a replayed phase entry) sends nothing.
    await expect(inActivity('2')(ctx.activities.notify, input)).resolves.toEqual({ status: 'sent' });

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/merchants',
      headers: expect.objectContaining({
        'idempotency-key': 'rollout-r1/phase/pilot/comm/0',
        'content-type': 'application/json',
        'ce-specversion': '1.0',
      }) as unknown,
    });
    // Binary mode: the body is the message payload receivers had before, the event is in the `ce-` headers.
    const event = HTTP.toEvent({ headers: request.headers, body: request.body });
    if (!(event instanceof CloudEvent)) throw new Error('one event expected');
    expect(event.validate()).toBe(true);
    expect(event).toMatchObject({
      id: 'rollout-r1/phase/pilot/comm/0',
      type: 'com.example.rollout.phase.entered',
      source: 'urn:rollout-engine',
      subject: 'r1',
      data: {
        rolloutId: 'r1',
        channel: 'merchants',
        audience: 'pilot merchants',
        message: 'Pilot starts today',
        text: 'Pilot starts today',
        kind: 'phase.entered',
        phaseId: 'pilot',
        link: 'https://rollouts.example.com/rollouts/r1',
      },
    });
    const row = await outbox('rollout-r1/phase/pilot/comm/0');
    expect(row).toMatchObject({
      rolloutId: 'r1',
      channel: 'merchants',
      audience: 'pilot merchants',
      kind: 'phase.entered',
      status: 'sent',
      attempts: 1,
      lastError: null,
      sentAt: expect.any(Date) as unknown,
    });
    expect(event.time).toBe(row.createdAt.toISOString());
  });

  test('a channel configured `slack` gets Slack’s {text, blocks} with the console link', async () => {
    await inActivity('7')(ctx.activities.notify, {
      rolloutId: 'r 9',
      channel: 'chat',
      audience: 'release-manager',
      message: 'Gate of Pilot is ready to sign <now>',
      kind: 'gate.ready',
      idempotencyKey: 'k-slack',
    });
    const [request] = receiver.received;
    expect(request.path).toBe('/default');
    expect(request.headers['ce-id']).toBeUndefined();
    expect(request.body).toEqual({
      text: 'Gate ready to sign: Gate of Pilot is ready to sign &lt;now&gt; <https://rollouts.example.com/rollouts/r%209|Open in console>',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*Gate ready to sign*\nGate of Pilot is ready to sign &lt;now&gt;' },
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Rollout `r 9` · for release-manager' }] },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Open in console' },
              url: 'https://rollouts.example.com/rollouts/r%209',
            },
          ],
        },
      ],
    });
  });

  test('a channel without its own webhook goes to NOTIFY_WEBHOOK_URL', async () => {
    await inActivity('3')(ctx.activities.notify, {
      rolloutId: 'r1',
      channel: 'support',
      message: 'FYI',
      idempotencyKey: 'k-default',
    });
    expect(receiver.received.map((r) => r.path)).toEqual(['/default']);
  });

  test('a failing webhook is retryable and leaves the attempt in the outbox; the retry delivers it', async () => {
    receiver.answer({ status: 503, body: 'maintenance' });
    const attempt = inActivity('4');
    const input = { rolloutId: 'r2', channel: 'ops', message: 'Rolling back', idempotencyKey: 'k-retry' };

    const err = await failureOf(attempt(ctx.activities.notify, input));
    expect(err).toMatchObject({ type: 'NotificationUnavailable', nonRetryable: false });
    expect(await outbox('k-retry')).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'Notification to channel ops answered HTTP 503: maintenance',
      sentAt: null,
    });

    await expect(attempt(ctx.activities.notify, input)).resolves.toEqual({ status: 'sent' });
    expect(await outbox('k-retry')).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(receiver.received.map((r) => r.headers['idempotency-key'])).toEqual(['k-retry', 'k-retry']);
    // The retry sends the same event: same id, same time (the outbox row's), so a receiver can deduplicate.
    const [first, second] = receiver.received.map((r) => [r.headers['ce-id'], r.headers['ce-time']]);
    expect(second).toEqual(first);
    expect(first[0]).toBe('k-retry');
  });

  test('a 4xx is a non-retryable NotificationRejected and the message is marked failed', async () => {
    receiver.answer({ status: 400, body: { error: 'unknown channel' } });
    const err = await failureOf(
      inActivity('5')(ctx.activities.notify, {
        rolloutId: 'r3',
        channel: 'ops',
        message: 'x',
        idempotencyKey: 'k-400',
      }),
    );
    expect(err).toMatchObject({ type: 'NotificationRejected', nonRetryable: true });
    expect(await outbox('k-400')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'Notification to channel ops answered HTTP 400: {"error":"unknown channel"}',
    });
  });
});

describe('notify without any webhook configured', () => {
  let bare: Awaited<ReturnType<typeof createActivityContext>>;
  beforeAll(async () => {
    bare = await createActivityContext();
  });
  afterAll(() => bare.close());

  test('keeps the message as recorded: auditable, delivered nowhere, not an error', async () => {
    const input = {
      rolloutId: 'r4',
      channel: 'ops',
      message: 'Phase 2 starts',
      idempotencyKey: 'k-recorded',
    };
    await expect(inActivity('6')(bare.activities.notify, input)).resolves.toEqual({ status: 'recorded' });
    await expect(inActivity('6')(bare.activities.notify, input)).resolves.toEqual({ status: 'recorded' });
    const rows = await bare.orm.em.fork().find(OutboxMessage, { rolloutId: 'r4' });
    expect(rows).toEqual([
      expect.objectContaining({ message: 'Phase 2 starts', status: 'recorded', attempts: 0, sentAt: null }),
    ]);
    expect(receiver.received).toEqual([]);
  });
});
