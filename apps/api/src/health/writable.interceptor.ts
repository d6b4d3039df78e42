import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { type GraphQLResolveInfo, OperationTypeNode } from 'graphql';
import { from, type Observable, switchMap } from 'rxjs';
import { FLAG_READS_KEY } from '../auth/auth.decorators';
import { graphQLError } from '../common/graphql-errors';
import { ReadinessService } from './readiness.service';

/**
 * An action whose audit entry cannot be written is not carried out: before any mutation (or REST call that
 * is not a GET; OFREP's POSTs only read flags) reaches its handler, and so before anything is sent to
 * Temporal, the database must take a write; if it does not, the caller gets `UNAVAILABLE` (HTTP 503 on REST)
 * and nothing happened. Runs after the guard: refusals are answered (and audited, when they can be) as ever.
 */
@Injectable()
export class WritableInterceptor implements NestInterceptor {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const flagReads = this.reflector.getAllAndOverride<boolean>(FLAG_READS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (flagReads === true || !writes(context)) return next.handle();
    return from(this.readiness.database()).pipe(
      switchMap((check) => {
        if (check.ok) return next.handle();
        const message = `The audit log cannot be written (${check.error}): the action was not carried out; try again later`;
        if (context.getType<string>() === 'graphql') throw graphQLError('UNAVAILABLE', message);
        throw new ServiceUnavailableException(message);
      }),
    );
  }
}

/** A GraphQL mutation, or an HTTP call other than GET/HEAD. */
function writes(context: ExecutionContext): boolean {
  if (context.getType<string>() === 'graphql')
    return (
      GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo>().operation.operation ===
      OperationTypeNode.MUTATION
    );
  if (context.getType() !== 'http') return false;
  const method = context.switchToHttp().getRequest<{ method: string }>().method;
  return method !== 'GET' && method !== 'HEAD';
}
