import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';

/** Who is acting: the user a verified token names and the roles it carries. */
export interface RequestActor {
  id: string;
  roles: string[];
}

/** The request as our guard leaves it: the actor once the token is verified. */
export type AuthedRequest = Request & { actor?: RequestActor };

export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** No token needed (health checks, the flag values applications poll). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only a token carrying one of these roles (or `admin`) may call it. */
export const Roles = (...roles: string[]) => SetMetadata(ROLES_KEY, roles);

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
