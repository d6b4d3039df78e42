import type { AdaptersConfig } from '../../activities';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from './webhook-receiver';

/** A Prometheus instant-query answer: the value of `metric` at `time` (epoch s). */
export type PrometheusValue = (metric: string, time: number) => string;

export interface FakeAdapters extends WebhookReceiver {
  /** Adapter configuration pointing the notification webhook, Prometheus and every rollback hook here. */
  config: Partial<AdaptersConfig>;
  /** Paths answered 500 (a hook that keeps failing); each attempt is still recorded. */
  failPaths: Set<string>;
  /** How many Prometheus queries were answered. */
  prometheusQueries(): number;
  /** What one rollout sent (notifications and hook calls carry its id in their body). */
  of(rolloutId: string): ReceivedRequest[];
}

/**
 * One receiver standing in for Prometheus (`/prom/api/v1/query`, answered by `prometheus`, not recorded),
 * the notification webhook (`/notify`) and the rollback hooks (`/hooks/<kind>`), recorded in order. Used by
 * the workflow suites and by bench/.
 */
export async function startFakeAdapters(
  options: { prometheus?: PrometheusValue } = {},
): Promise<FakeAdapters> {
  let queries = 0;
  const value = options.prometheus ?? (() => '0');
  const failPaths = new Set<string>();
  const prometheus = (url: URL) => url.pathname === '/prom/api/v1/query';
  const receiver = await startWebhookReceiver({
    record: (_request, url) => !prometheus(url),
    route: (_request, url) => {
      if (failPaths.has(url.pathname)) return 500;
      if (prometheus(url)) {
        queries++;
        const metric = url.searchParams.get('query') ?? '';
        const time = Number(url.searchParams.get('time'));
        const result = [{ metric: { __name__: metric }, value: [time, value(metric, time)] }];
        return { status: 200, body: { status: 'success', data: { resultType: 'vector', result } } };
      }
      return undefined;
    },
  });
  const { url: base } = receiver;
  return {
    ...receiver,
    failPaths,
    config: {
      notifyDefaultUrl: `${base}/notify`,
      prometheusUrl: `${base}/prom`,
      hookUrls: {
        'revert-deployment': `${base}/hooks/revert-deployment`,
        'restore-backup': `${base}/hooks/restore-backup`,
        'replay-dlq': `${base}/hooks/replay-dlq`,
      },
    },
    prometheusQueries: () => queries,
    of: (rolloutId) =>
      receiver.received.filter(
        (r) => (r.body as { rolloutId?: string } | undefined)?.rolloutId === rolloutId,
      ),
  };
}
