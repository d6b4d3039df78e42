import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { type GraphQLResolveInfo, OperationTypeNode } from 'graphql';
import {
  type ApiKey,
  matchApiKey,
  nameKey,
  roleKeys,
  TokenError,
  verifyToken,
} from '../../../../libs/auth/src';
import { ROLE_POLICY } from '../../../../workflows/engine/policy';
import { graphQLError } from '../common/graphql-errors';
import {
  type AuthedRequest,
  FLAG_READS_KEY,
  PUBLIC_KEY,
  type RequestActor,
  requestOf,
  ROLES_KEY,
} from './auth.decorators';

export const AUTH_SECRET = Symbol('AUTH_SECRET');
/** The `X-API-Key`s that may read flags (OFREP_API_KEYS). */
export const API_KEYS = Symbol('API_KEYS');

/** The roles that may do everything a role-restricted operation allows (the policy's super roles). */
const SUPER: readonly string[] = ROLE_POLICY.superRoles.map(nameKey);
/** The role that may only read. */
const VIEWER = 'viewer';
/** The roles that may read flags (OFREP) and nothing else. */
const FLAG_READERS: readonly string[] = ROLE_POLICY.flagReaderRoles.map(nameKey);

/** Whether the operation changes something: a GraphQL mutation, or an HTTP call other than GET/HEAD. */
function writes(context: ExecutionContext): boolean {
  if (context.getType<string>() === 'graphql')
    return (
      GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo>().operation.operation ===
      OperationTypeNode.MUTATION
    );
  const method = context.switchToHttp().getRequest<AuthedRequest>().method;
  return method !== 'GET' && method !== 'HEAD';
}

/**
 * Every operation needs a verified bearer token (HS256, see libs/auth) unless marked `@Public()`. The token's
 * user and roles are taken by their keys (`nameKey`: trimmed, lower-cased, spaces and `_` as `-`). Any valid
 * token may read (every token carries at least one role, so at least a viewer); a token whose only role is
 * `viewer` may do nothing else. A token whose only role is `flag-reader`, or a configured `X-API-Key`, may
 * call only `@FlagReads()` operations (OFREP), which are reads even though they are POSTs. `@Roles(group)` narrows an
 * operation to a group of ROLE_POLICY (workflows/engine/policy.ts), the one role policy the workflows read too. What a person may do to a checklist item or gate is the engine's to decide:
 * the actor and roles travel with the Update to its validator.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(AUTH_SECRET) private readonly secret: string,
    @Inject(API_KEYS) private readonly apiKeys: ApiKey[],
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const graphql = context.getType<string>() === 'graphql';
    const req = requestOf(context);
    if (!req) throw refusal(graphql, 'UNAUTHENTICATED', 'No request to authenticate');
    const flagReads = this.reflector.getAllAndOverride<boolean>(FLAG_READS_KEY, targets) === true;
    const actor = req.actor ?? (req.actor = await this.authenticate(req, graphql, flagReads));
    if (actor.roles.every((r) => FLAG_READERS.includes(r)) && !flagReads)
      throw refusal(
        graphql,
        'FORBIDDEN',
        `${actor.id} is a flag reader: it may read flags (OFREP), nothing else`,
      );
    // Viewer and flag reader together still read only.
    if (actor.roles.every((r) => r === VIEWER || FLAG_READERS.includes(r)) && writes(context) && !flagReads)
      throw refusal(graphql, 'FORBIDDEN', `${actor.id} is a viewer: viewers may read, not act`);
    const allowed = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, targets)?.map(nameKey);
    if (allowed && !actor.roles.some((r) => SUPER.includes(r) || allowed.includes(r)))
      throw refusal(
        graphql,
        'FORBIDDEN',
        `${actor.id} may not do this: it needs one of the roles ${[...new Set([...SUPER, ...allowed])].join(', ')} (has ${actor.roles.join(', ')})`,
      );
    return true;
  }

  private async authenticate(
    req: AuthedRequest,
    graphql: boolean,
    flagReads: boolean,
  ): Promise<RequestActor> {
    const apiKey = req.headers?.['x-api-key'];
    if (apiKey !== undefined && flagReads) {
      // An application's key: a flag reader. Only where flags are read: elsewhere the header means nothing.
      const key = typeof apiKey === 'string' ? matchApiKey(this.apiKeys, apiKey) : undefined;
      if (!key)
        throw refusal(
          graphql,
          'UNAUTHENTICATED',
          'The X-API-Key was refused: it is not one of OFREP_API_KEYS',
        );
      return { id: key.name, roles: [...FLAG_READERS] };
    }
    const header = req.headers?.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match)
      throw refusal(
        graphql,
        'UNAUTHENTICATED',
        'A bearer token is required (Authorization: Bearer <token>; `npm run --silent cli -- token create` prints one)',
      );
    try {
      const claims = await verifyToken(this.secret, match[1]);
      // Named by their keys (libs/auth/src/names.ts), as the workflows compare them: a token made before
      // `token create` folded names, carrying `Viewer` or `Otto`, is viewer and otto here too.
      return { id: nameKey(claims.user), roles: roleKeys(claims.roles) };
    } catch (error) {
      if (error instanceof TokenError)
        throw refusal(graphql, 'UNAUTHENTICATED', `The token was refused: ${error.message}`);
      throw error;
    }
  }
}

function refusal(graphql: boolean, code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string): Error {
  if (graphql) return graphQLError(code, message);
  return code === 'UNAUTHENTICATED' ? new UnauthorizedException(message) : new ForbiddenException(message);
}
