import { type ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { InputRefused, InputUnprocessable } from '../common/input-refusal';
import { ofrepRoute } from '../flags/ofrep/ofrep.evaluation';
import type { AuthedRequest } from './auth.decorators';
import { RefusalAuditService } from './refusal-audit.service';

/** Our error code for an HTTP refusal's status, as GraphQL names the same refusal. */
const CODES: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'BAD_USER_INPUT',
  415: 'BAD_USER_INPUT',
  422: 'BAD_USER_INPUT',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/**
 * REST refusals (a 4xx, or the 503 of an action that could not be audited) on the API's own routes are
 * audited through `RefusalAuditService`, like GraphQL's, then answered as Nest always does. A path no route
 * serves is not an operation of ours and is not audited (scanners would fill the log). GraphQL errors pass
 * through untouched: the GraphQL plugin audits those.
 */
@Catch(HttpException)
export class RefusalAuditFilter extends BaseExceptionFilter {
  constructor(private readonly refusals: RefusalAuditService) {
    super();
  }

  override catch(exception: HttpException, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') return exception;
    const req = host.switchToHttp().getRequest<AuthedRequest>();
    const status = exception.getStatus();
    const code = CODES[status];
    const path = (req.route as { path?: unknown } | undefined)?.path;
    // A body the JSON parser refused on an OFREP route (no route ran): answered in OFREP's shape.
    const ofrep = path === undefined && status === 400 ? ofrepRoute(req.path) : undefined;
    if (ofrep) {
      const res = host.switchToHttp().getResponse<Response>();
      res.status(400).json({ ...ofrep, errorCode: 'PARSE_ERROR', errorDetails: messageOf(exception) });
      return undefined;
    }
    // Nest answers paths no route serves from a catch-all route (`/{*all}`): those are no operation of ours.
    if (!code || typeof path !== 'string' || path.includes('*')) {
      super.catch(exception, host);
      return undefined;
    }
    const route = `${req.method} ${path}`;
    // Written before the answer goes out (a client that reads the log after its refusal finds it there).
    void this.refusals
      .record({
        req,
        action: `api.${route}`,
        target: route,
        code,
        message: messageOf(exception),
        via: 'rest',
        status,
        ...(exception instanceof InputRefused || exception instanceof InputUnprocessable
          ? { input: exception.input, problems: exception.problems }
          : {
              input: {
                query: req.query as unknown,
                ...(req.body !== undefined && { body: req.body as unknown }),
              },
            }),
      })
      .finally(() => super.catch(exception, host));
    return undefined;
  }
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return typeof message === 'string'
    ? message
    : Array.isArray(message)
      ? message.join('; ')
      : exception.message;
}
