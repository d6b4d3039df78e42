import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { ROLE_POLICY, type RolePolicy } from '../../../../workflows/engine/policy';

/** Who is acting: the user a verified token names and the roles it carries. */
export interface RequestActor {
  id: string;
  roles: string[];
}

/** The request as our guard leaves it: the actor once the token is verified. */
export type AuthedRequest = Request & { actor?: RequestActor };

export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';
export const FLAG_READS_KEY = 'auth:flag-reads';

/** No token needed (health checks, the flag values applications poll). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * Only reads the flag store (OFREP's POST evaluations): a read for any token, even a viewer's; the only thing
 * a `flag-reader` token (ROLE_POLICY.flagReaderRoles) may do; and open to an `X-API-Key` of OFREP_API_KEYS.
 */
export const FlagReads = () => SetMetadata(FLAG_READS_KEY, true);

/** A group of roles of the one role policy (workflows/engine/policy.ts), e.g. `startRoles`. */
export type RoleGroup = Exclude<keyof RolePolicy, 'superRoles' | 'flagReaderRoles'>;

/**
 * Only a token carrying one of the roles of this group of ROLE_POLICY (or a super role: `admin`) may call it.
 * Roles are named once, in the policy the workflows read too; never here.
 */
export const Roles = (group: RoleGroup) => SetMetadata(ROLES_KEY, [...ROLE_POLICY[group]]);

/** The HTTP request behind a GraphQL operation or a REST call. */
export function requestOf(context: ExecutionContext): AuthedRequest | undefined {
  if (context.getType<string>() === 'graphql') {
    const ctx = GqlExecutionContext.create(context).getContext<{ req?: AuthedRequest }>();
    return ctx.req;
  }
  return context.switchToHttp().getRequest<AuthedRequest>();
}

/** The verified actor of this request (the guard has refused requests without one). */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): RequestActor => {
  const actor = requestOf(context)?.actor;
  if (!actor) throw new Error('CurrentActor used on a route the auth guard does not cover');
  return actor;
});
