// The API's typed errors, as plain sentences for the person who clicked.
import type { CombinedError } from 'urql';

export interface ActionError {
  /** The GraphQL error code (FORBIDDEN, CONFLICT, UNAVAILABLE …), or NETWORK. */
  code: string;
  sentence: string;
  /** Worth trying again as is (the engine or the network was not there). */
  retryable: boolean;
}

const asSentence = (text: string): string => {
  const t = text.trim();
  if (!t) return '';
  return /[.!?…]$/.test(t) ? t : `${t}.`;
};

export function describeError(error: CombinedError | undefined | null): ActionError | undefined {
  if (!error) return undefined;
  if (error.networkError && error.graphQLErrors.length === 0)
    return {
      code: 'NETWORK',
      sentence: 'The API could not be reached. Check that it is running, then retry.',
      retryable: true,
    };
  const first = error.graphQLErrors[0];
  const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
  return fromCode(code, first?.message ?? error.message, first?.extensions?.requestId);
}

export function fromCode(code: string, message: string, requestId?: unknown): ActionError {
  const said = asSentence(message);
  switch (code) {
    case 'UNAVAILABLE':
      return { code, sentence: `The engine did not answer in time. ${said} Try again.`, retryable: true };
    case 'FORBIDDEN':
      return { code, sentence: `Not allowed: ${said}`, retryable: false };
    case 'CONFLICT':
      return { code, sentence: `Refused: ${said}`, retryable: false };
    case 'NOT_FOUND':
      return { code, sentence: `Not found: ${said}`, retryable: false };
    case 'BAD_USER_INPUT':
      return { code, sentence: `Please check the input: ${said}`, retryable: false };
    case 'UNAUTHENTICATED':
      return {
        code,
        sentence: `You are not signed in, or your token has expired: ${said}`,
        retryable: false,
      };
    default:
      return {
        code,
        sentence: `The server failed to do this${typeof requestId === 'string' ? ` (request ${requestId})` : ''}. ${said}`,
        retryable: true,
      };
  }
}
