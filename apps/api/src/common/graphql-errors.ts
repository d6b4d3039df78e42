import { GraphQLError } from 'graphql';

export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAVAILABLE' | 'INTERNAL_SERVER_ERROR';

/** A client-facing error with a machine-readable `extensions.code`. */
export const graphQLError = (
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): GraphQLError => new GraphQLError(message, { extensions: { code, ...details } });
