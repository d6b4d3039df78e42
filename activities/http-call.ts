import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { setMaxListeners } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpCall {
  method: 'GET' | 'POST';
  url: string;
  /** Sent as JSON, unless `bodyText` is given. */
  body?: unknown;
  /** Sent as is, with `headers` saying what it is (a CloudEvent or a chat message, already serialized). */
  bodyText?: string;
  headers?: Record<string, string>;
  idempotencyKey?: string;
  timeoutMs: number;
}

/**
 * How failures are named: `what` starts every message ("Hook revert-deployment (step x)"); `failure`
 * prefixes the types: `<failure>Unavailable` (retryable) and `<failure>Rejected` (non-retryable).
 */
export interface CallNames {
  what: string;
  failure: string;
}

const SNIPPET = 300;

/**
 * One HTTP call from an activity, with the retry split Temporal needs: network errors, timeouts, 408, 429
 * and 5xx are retryable (the activity's retry policy tries again); any other non-2xx answer is a
 * non-retryable `ApplicationFailure`, since repeating a refused request cannot make it succeed.
 * Returns the status and the body text of a 2xx answer.
 */
export async function httpCall(call: HttpCall, names: CallNames): Promise<{ status: number; body: string }> {
  const cancelled = Context.current().cancellationSignal;
  const headers: Record<string, string> = { 'user-agent': 'rollout-engine' };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (call.idempotencyKey) headers['idempotency-key'] = call.idempotencyKey;
  Object.assign(headers, call.headers);
  const sent = call.bodyText ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
  let response: Response;
  let body: string;
  try {
    response = await fetch(call.url, {
      method: call.method,
      headers,
      body: sent,
      signal: AbortSignal.any([cancelled, AbortSignal.timeout(call.timeoutMs)]),
    });
    body = await response.text();
  } catch (err) {
    if (cancelled.aborted) throw err; // the activity was cancelled: not a failure of the endpoint
    throw ApplicationFailure.retryable(
      `${names.what} failed: ${describeNetworkError(err, call.timeoutMs)}`,
      `${names.failure}Unavailable`,
    );
  }
  const { status } = response;
  if (status >= 200 && status < 300) return { status, body };
  const message = `${names.what} answered HTTP ${status}${body ? `: ${body.slice(0, SNIPPET)}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    throw ApplicationFailure.retryable(message, `${names.failure}Unavailable`, { status });
  }
  throw ApplicationFailure.nonRetryable(message, `${names.failure}Rejected`, { status });
}

/**
 * fetch hides the socket error (ECONNREFUSED, ENOTFOUND ...) in `cause`. Duck-typed, not `instanceof`:
 * fetch's errors come from Node's realm, which is not the caller's under Jest.
 */
function describeNetworkError(err: unknown, timeoutMs: number): string {
  const e = (err ?? {}) as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const cause = e.cause?.code ?? e.cause?.message;
  const message = e.message ?? String(err);
  return cause ? `${message} (${cause})` : message;
}

const keepAliveAgents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
};

/**
 * A GET with the same failure split as `httpCall`, over `node:http` with a keep-alive agent (sockets kept
 * open between calls, at most 16 per host). For the metric watcher, which queries Prometheus several times
 * a cadence: `fetch` costs about ten times as much per request here (see bench/README.md).
 */
export async function httpGet(
  call: { url: string; timeoutMs: number },
  names: CallNames,
): Promise<{ status: number; body: string }> {
  const cancelled = Context.current().cancellationSignal;
  // A watcher catching up has many queries in flight, each listening to the activity's cancellation.
  setMaxListeners(256, cancelled);
  let status: number;
  let body: string;
  try {
    ({ status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(call.url);
      const secure = url.protocol === 'https:';
      const req = (secure ? https : http).request(
        url,
        {
          method: 'GET',
          agent: secure ? keepAliveAgents.https : keepAliveAgents.http,
          headers: { 'user-agent': 'rollout-engine' },
          signal: cancelled,
        },
        (res) => {
          res.setEncoding('utf8');
          let text = '';
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, body: text });
          });
          res.on('error', reject);
        },
      );
      const timer = setTimeout(() => {
        const timeout = new Error(`timed out after ${call.timeoutMs} ms`);
        timeout.name = 'TimeoutError';
        req.destroy(timeout);
      }, call.timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end();
    }));
  } catch (err) {
    if (cancelled.aborted) throw err;
    const e = err as { code?: string; message?: string };
    const why = describeNetworkError(err, call.timeoutMs);
    throw ApplicationFailure.retryable(
      `${names.what} failed: ${e.code && !why.includes(e.code) ? `${why} (${e.code})` : why}`,
      `${names.failure}Unavailable`,
    );
  }
  if (status >= 200 && status < 300) return { status, body };
  const message = `${names.what} answered HTTP ${status}${body ? `: ${body.slice(0, SNIPPET)}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    throw ApplicationFailure.retryable(message, `${names.failure}Unavailable`, { status });
  }
  throw ApplicationFailure.nonRetryable(message, `${names.failure}Rejected`, { status });
}
