import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from '@nestjs/common';

/** What every log line and error of one HTTP request carries, without passing it through every call. */
interface RequestContext {
  requestId: string;
  /** The caller's `Idempotency-Key`, when sane: a retry of the same request carries the same one. */
  idempotencyKey?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();
const logger = new Logger('HTTP');
// A caller's (or a proxy's) ID is kept when it is a plain token, so one ID follows a request across systems.
const ACCEPTED_ID = /^[\w.:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** The ID of the request being handled, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/**
 * What makes a request the same request when a client sends it again: its `Idempotency-Key`, else its
 * `X-Request-ID` (the caller's, or the one given to it here). Undefined outside a request.
 */
export function currentRequestKey(): string | undefined {
  const store = storage.getStore();
  return store && (store.idempotencyKey ?? store.requestId);
}

/**
 * Express middleware: gives each request an ID (the caller's `X-Request-ID` when sane, else a UUID), echoes it
 * in the response, runs the rest of the request inside that context, and logs one line per finished request.
 */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const offered = req.get(REQUEST_ID_HEADER);
  const requestId = offered && ACCEPTED_ID.test(offered) ? offered : randomUUID();
  const key = req.get(IDEMPOTENCY_KEY_HEADER);
  const idempotencyKey = key && ACCEPTED_ID.test(key) ? key : undefined;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    // Health probes come every few seconds; only a failing one is news.
    if (req.path === '/healthz' && res.statusCode < 400) return;
    storage.run({ requestId }, () =>
      logger.log({
        msg: 'request',
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
      }),
    );
  });
  storage.run({ requestId, idempotencyKey }, next);
}
