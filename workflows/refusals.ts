import { ApplicationFailure } from '@temporalio/workflow';

/**
 * Why a human action was refused. The code travels as the ApplicationFailure's `type`, and the API
 * turns it into the GraphQL error code of the same name.
 */
export const RefusalCode = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  FORBIDDEN: 'FORBIDDEN',
} as const;
export type RefusalCode = (typeof RefusalCode)[keyof typeof RefusalCode];

export const isRefusalCode = (value: unknown): value is RefusalCode =>
  typeof value === 'string' && Object.values<string>(RefusalCode).includes(value);

/** A business refusal: never retried, and thrown from validators so it leaves no trace in history. */
export function refusal(code: RefusalCode, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true });
}
