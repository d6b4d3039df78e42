import type { IncomingMessage } from 'node:http';
import type { AuthedRequest } from './auth.decorators';

/**
 * What the auth guard reads, for an operation over graphql-ws: a browser cannot set headers on a WebSocket,
 * so the token comes in the connection's `connectionParams.authorization` ("Bearer …"), else the upgrade
 * request's own header.
 */
export function wsRequest(
  connectionParams: Record<string, unknown> | undefined,
  upgrade?: IncomingMessage,
): AuthedRequest {
  const offered = connectionParams?.authorization ?? connectionParams?.Authorization;
  const authorization = typeof offered === 'string' ? offered : upgrade?.headers.authorization;
  return { headers: { ...upgrade?.headers, authorization } } as AuthedRequest;
}
