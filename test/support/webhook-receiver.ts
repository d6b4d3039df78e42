import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it is not JSON. */
  body: unknown;
}

/** How the receiver answers one request: a status (and optional body), or never (to test timeouts). */
export type Answer = number | { status: number; body?: unknown } | 'hang';

/**
 * A real HTTP server on a free local port that records every request. It answers from `answers` in order,
 * then with `fallback` (200 unless set).
 */
export async function startWebhookReceiver(): Promise<{
  url: string;
  received: ReceivedRequest[];
  answer: (...answers: Answer[]) => void;
  fallback: (answer: Answer) => void;
  close: () => Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  const queue: Answer[] = [];
  let fallback: Answer = 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: parse(text),
      });
      respond(res, queue.shift() ?? fallback);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (...answers) => queue.push(...answers),
    fallback: (answer) => (fallback = answer),
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
