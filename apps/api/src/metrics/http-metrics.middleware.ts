import type { NextFunction, Request, Response } from 'express';
import { type ApiMetrics, methodLabel } from '../../../../libs/metrics/src';

/**
 * Times every HTTP request by method, route and status. The route is the matched route's pattern (a Nest
 * controller's, e.g. `/alerts/alertmanager`), `/graphql` for Apollo's endpoint; everything else (the console's
 * files, unknown paths, catch-all patterns) is `other`, so no path a client makes up becomes a label.
 */
export function httpMetrics(metrics: ApiMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const path = req.originalUrl.split('?')[0];
      const matched = (req.route as { path?: unknown } | undefined)?.path;
      // Apollo answers /graphql behind a catch-all route: a wildcard pattern says nothing, so it is `other`.
      const route =
        path === '/graphql'
          ? path
          : typeof matched === 'string' && !matched.includes('*')
            ? matched
            : 'other';
      end({ method: methodLabel(req.method), route, status_code: String(res.statusCode) });
    });
    next();
  };
}
