import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { GraphQLError } from 'graphql';
import { isRefusalCode } from '../../../../workflows/refusals';
import { graphQLError } from '../common/graphql-errors';

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
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return graphQLError('CONFLICT', `Rollout ${rolloutId} already exists`, { rolloutId });
  }
  return err;
}
