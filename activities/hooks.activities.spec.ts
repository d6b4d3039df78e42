import { inActivity } from '../test/support/activity-env';
import { startWebhookReceiver } from '../test/support/webhook-receiver';
import { failureOf } from '../test/support/failures';
import { createActivityContext } from '../test/support/worker-context';

let ctx: Awaited<ReturnType<typeof createActivityContext>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  ctx = await createActivityContext({
    adapters: { hookUrls: { 'restore-backup': `${receiver.url}/backups/restore` } },
  });
});
afterAll(async () => {
  await ctx.close();
  await receiver.close();
});
beforeEach(() => {
  receiver.received.length = 0;
});

const revert = {
  rolloutId: 'r1',
  stepId: 'revert-deployment',
  kind: 'revert-deployment' as const,
  payload: { target: 'merchant-api' },
  idempotencyKey: 'rollout-r1/rollback/full/revert-deployment',
};

describe('callHook', () => {
  test('POSTs the step to its own URL with the idempotency key, and returns the status', async () => {
    receiver.answer(202);
    const result = await inActivity('1')(ctx.activities.callHook, {
      ...revert,
      url: `${receiver.url}/deploy/revert`,
    });

    expect(result).toEqual({ status: 202 });
    expect(receiver.received).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/deploy/revert',
        headers: expect.objectContaining({
          'content-type': 'application/json',
          'idempotency-key': 'rollout-r1/rollback/full/revert-deployment',
        }) as unknown,
        body: {
          rolloutId: 'r1',
          stepId: 'revert-deployment',
          kind: 'revert-deployment',
          payload: { target: 'merchant-api' },
        },
      }),
    ]);
  });

  test('uses HOOK_URLS for the kind when the step has no URL', async () => {
    await inActivity('2')(ctx.activities.callHook, {
      rolloutId: 'r1',
      stepId: 'restore-db',
      kind: 'restore-backup',
      idempotencyKey: 'k-restore',
    });
    expect(receiver.received.map((r) => [r.path, r.headers['idempotency-key'], r.body])).toEqual([
      [
        '/backups/restore',
        'k-restore',
        { rolloutId: 'r1', stepId: 'restore-db', kind: 'restore-backup', payload: {} },
      ],
    ]);
  });

  test('no URL for the kind: a non-retryable failure naming the step, and nothing is sent', async () => {
    const err = await failureOf(inActivity('3')(ctx.activities.callHook, revert));
    expect(err).toMatchObject({
      type: 'HookNotConfigured',
      nonRetryable: true,
      message: 'no URL configured for revert-deployment (step revert-deployment)',
    });
    expect(receiver.received).toEqual([]);
  });

  test('a 4xx is a non-retryable HookRejected naming the step and the status', async () => {
    receiver.answer({ status: 404, body: { error: 'no such deployment' } });
    const err = await failureOf(inActivity('4')(ctx.activities.callHook, { ...revert, url: receiver.url }));
    expect(err.type).toBe('HookRejected');
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toBe(
      'Hook revert-deployment (step revert-deployment) answered HTTP 404: {"error":"no such deployment"}',
    );
  });

  test.each([500, 503, 408, 429])(
    'HTTP %i is retryable; the retry carries the same idempotency key',
    async (status) => {
      receiver.answer(status, 200);
      const attempt = inActivity(`5-${status}`);
      const input = { ...revert, url: receiver.url };

      const err = await failureOf(attempt(ctx.activities.callHook, input));
      expect(err).toMatchObject({ type: 'HookUnavailable', nonRetryable: false });
      expect(err.message).toContain(`answered HTTP ${status}`);
      await expect(attempt(ctx.activities.callHook, input)).resolves.toEqual({ status: 200 });
      expect(receiver.received.map((r) => r.headers['idempotency-key'])).toEqual([
        revert.idempotencyKey,
        revert.idempotencyKey,
      ]);
    },
  );

  test('a receiver that does not answer in time is a retryable timeout', async () => {
    receiver.answer('hang');
    const err = await failureOf(
      inActivity('6')(ctx.activities.callHook, { ...revert, url: receiver.url, timeoutMs: 200 }),
    );
    expect(err).toMatchObject({ type: 'HookUnavailable', nonRetryable: false });
    expect(err.message).toBe(
      'Hook revert-deployment (step revert-deployment) failed: timed out after 200 ms',
    );
  });

  test('a refused connection is retryable', async () => {
    const gone = await startWebhookReceiver();
    await gone.close();
    const err = await failureOf(inActivity('7')(ctx.activities.callHook, { ...revert, url: gone.url }));
    expect(err).toMatchObject({ type: 'HookUnavailable', nonRetryable: false });
    expect(err.message).toMatch(/^Hook revert-deployment \(step revert-deployment\) failed: .*ECONNREFUSED/);
  });
});
