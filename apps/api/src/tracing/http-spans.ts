import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { tracer } from '../../../../libs/tracing/src';

const UNTRACED = new Set(['/healthz', '/readyz']);

/**
 * Express middleware (installed only when tracing is on): one server span per HTTP request, continuing the
 * caller's trace when it sends a W3C `traceparent`. The rest of the request runs inside that span, so the
 * GraphQL plugin names it for its operation and the Temporal client's interceptors start their spans under it.
 */
export function traceHttpRequests(req: Request, res: Response, next: NextFunction): void {
  // Health probes come every few seconds from a load balancer or an orchestrator: not worth a trace each.
  if (UNTRACED.has(req.path)) return next();
  const parent = propagation.extract(context.active(), req.headers);
  const span = tracer().startSpan(
    `${req.method} ${req.path}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method, 'url.path': req.path },
    },
    parent,
  );
  res.once('finish', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  res.once('close', () => {
    if (!res.writableFinished) span.end();
  });
  context.with(trace.setSpan(parent, span), next);
}
