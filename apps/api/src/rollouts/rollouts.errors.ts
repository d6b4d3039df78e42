import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { GraphQLError } from 'graphql';
import {
  GRPC_DEADLINE_EXCEEDED,
  GRPC_UNAVAILABLE,
  grpcCodes,
  isTransientTemporalError,
  isWorkflowNotReady,
} from '../../../../libs/temporal/src/transient';
import { isRefusalCode } from '../../../../workflows/refusals';
import { graphQLError } from '../common/graphql-errors';

/**
 * Temporal did not give an answer in time: the deadline passed, the server cannot be reached, or it kept
 * answering "not now" (an Update no worker processed, too many Updates in flight) until the deadline.
 */
function isUnavailable(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const codes = grpcCodes(err);
  return (
    codes.includes(GRPC_DEADLINE_EXCEEDED) ||
    codes.includes(GRPC_UNAVAILABLE) ||
    isTransientTemporalError(err)
  );
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
  if (isUnavailable(err)) {
    return graphQLError(
      'UNAVAILABLE',
      `Rollout ${rolloutId} did not answer in time (is Temporal reachable, a worker running?). The action was not confirmed; it may still take effect when they return.`,
      { rolloutId },
    );
  }
  if (isWorkflowNotReady(err)) {
    return graphQLError(
      'UNAVAILABLE',
      `Rollout ${rolloutId} cannot answer now: Temporal reports its workflow not ready (a workflow task is failing). The action was not confirmed; an operator should look at the workflow in the Web UI.`,
      { rolloutId },
    );
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return graphQLError('CONFLICT', `Rollout ${rolloutId} already exists`, { rolloutId });
  }
  return err;
}
