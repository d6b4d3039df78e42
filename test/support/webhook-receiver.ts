import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** The path with its query string, as requested. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it is not JSON. */
  body: unknown;
}

/** How the receiver answers one request: a status (and optional body), or never (to test timeouts). */
export type Answer = number | { status: number; body?: unknown } | 'hang';

export interface ReceiverOptions {
  /**
   * Answers some requests itself (a fake Prometheus query, a hook made to fail …); `undefined` lets the
   * queued answers and the fallback answer it.
   */
  route?: (request: ReceivedRequest, url: URL) => Answer | undefined;
  /** Whether a request is recorded in `received` (default: every one). */
  record?: (request: ReceivedRequest, url: URL) => boolean;
}

export interface WebhookReceiver {
  url: string;
  /** Every request recorded, in order of arrival. */
  received: ReceivedRequest[];
  /** Queues answers for the next requests, in order. */
  answer: (...answers: Answer[]) => void;
  fallback: (answer: Answer) => void;
  /** Forgets what was received and queued (the fallback stays). */
  reset: () => void;
  close: () => Promise<void>;
}

/**
 * A real HTTP server on a free local port that records every request. It answers from `answers` in order,
 * then with `fallback` (200 unless set). One such receiver stands in for chat webhooks, rollback hooks,
 * Alertmanager or Prometheus in the suites and in bench/.
 */
export async function startWebhookReceiver(options: ReceiverOptions = {}): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const queue: Answer[] = [];
  let fallback: Answer = 200;
  let base = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: parse(text),
      };
      const url = new URL(request.path, base);
      if (options.record?.(request, url) ?? true) received.push(request);
      respond(res, options.route?.(request, url) ?? queue.shift() ?? fallback);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    received,
    answer: (...answers) => queue.push(...answers),
    fallback: (answer) => (fallback = answer),
    reset: () => {
      received.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function respond(res: ServerResponse, answer: Answer): void {
  if (answer === 'hang') return;
  const { status, body } = typeof answer === 'number' ? { status: answer, body: undefined } : answer;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
