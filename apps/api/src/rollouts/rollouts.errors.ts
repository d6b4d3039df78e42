import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { GraphQLError } from 'graphql';
import { isRefusalCode } from '../../../../workflows/refusals';
import { graphQLError } from '../common/graphql-errors';

const DEADLINE_EXCEEDED = 4; // gRPC status code

function isDeadlineExceeded(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === DEADLINE_EXCEEDED) return true;
  }
  return false;
}

/** Turns what the Temporal client threw into a typed GraphQL error; unknown failures stay internal. */
export function toGraphQLError(err: unknown, rolloutId: string): unknown {
  if (err instanceof GraphQLError) return err;
  if (
    err instanceof WorkflowUpdateFailedError &&
    err.cause instanceof ApplicationFailure &&
    isRefusalCode(err.cause.type)
  ) {
    return graphQLError(err.cause.type, err.cause.message, { rolloutId });
  }
  if (err instanceof WorkflowNotFoundError) {
    return graphQLError('NOT_FOUND', `Rollout ${rolloutId} does not exist`, { rolloutId });
  }
  if (isDeadlineExceeded(err)) {
    return graphQLError(
      'UNAVAILABLE',
      `Rollout ${rolloutId} did not answer in time (is a worker running?). The action was not confirmed; it may still take effect when the worker returns.`,
      { rolloutId },
    );
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return graphQLError('CONFLICT', `Rollout ${rolloutId} already exists`, { rolloutId });
  }
  return err;
}
