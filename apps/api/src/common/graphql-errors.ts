import { GraphQLError } from 'graphql';

import { RefusalCode } from '../../../../workflows/refusals';

/** Our error codes: the workflow's refusals plus what only the API can tell. */
export const ERROR_CODES = [...Object.values(RefusalCode), 'UNAUTHENTICATED', 'UNAVAILABLE'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A client-facing error with a machine-readable `extensions.code`. */
export const graphQLError = (
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): GraphQLError => new GraphQLError(message, { extensions: { code, ...details } });
