import type { GraphQLFormattedError } from 'graphql';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { Logger } from '@nestjs/common';
import { ERROR_CODES } from './graphql-errors';
import { currentRequestId } from './request-context';

const logger = new Logger('GraphQL');
// Codes that describe the client's request (ours, Nest's and Apollo's), not a fault of the server.
const KNOWN = new Set<string>([
  ...ERROR_CODES,
  ...Object.values(ApolloServerErrorCode).filter((c) => c !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR),
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);

/**
 * Clients see typed errors with a code, never a stack trace. Nest's validation pipe reports bad input as a
 * BAD_REQUEST with the list of problems; that is the client's input, so it becomes BAD_USER_INPUT.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const ext = formatted.extensions ?? {};
  const code = typeof ext.code === 'string' ? ext.code : 'INTERNAL_SERVER_ERROR';
  const {
    stacktrace: _stack,
    originalError,
    ...rest
  } = ext as Record<string, unknown> & { originalError?: { message?: unknown } };
  if (code === 'BAD_REQUEST') {
    const problems = originalError?.message;
    const message = Array.isArray(problems) ? problems.join('; ') : formatted.message;
    return {
      message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { ...rest, code: 'BAD_USER_INPUT' },
    };
  }
  if (!KNOWN.has(code)) {
    logger.error(formatted.message, (error as { originalError?: Error })?.originalError?.stack);
    return {
      message: 'Internal server error',
      path: formatted.path,
      // The ID finds the logged stack; the client sees nothing of the server's inside.
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: currentRequestId() },
    };
  }
  return { ...formatted, extensions: { ...rest, code } };
}
