import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { GraphQLError } from 'graphql';
import { toGraphQLError } from './rollouts.errors';

function grpcError(code: number, details: string): ServiceError {
  return new ServiceError(`Failed: ${details}`, {
    cause: Object.assign(new Error(details), { code, details }),
  });
}
const codeOf = (err: unknown) => (err instanceof GraphQLError ? err.extensions.code : 'untyped');

describe('Temporal failures as GraphQL errors', () => {
  test('a workflow whose task keeps failing (WorkflowNotReady, FAILED_PRECONDITION) is UNAVAILABLE, not internal', () => {
    const err = toGraphQLError(grpcError(9, 'Workflow is not ready'), 'r1');
    expect(codeOf(err)).toBe('UNAVAILABLE');
    expect((err as GraphQLError).message).toMatch(/Rollout r1 cannot answer now.*not confirmed/);
  });

  test('aborted Updates and an unreachable server are UNAVAILABLE; a missing workflow NOT_FOUND', () => {
    expect(codeOf(toGraphQLError(grpcError(14, 'workflow update was aborted'), 'r1'))).toBe('UNAVAILABLE');
    expect(codeOf(toGraphQLError(grpcError(4, 'deadline exceeded'), 'r1'))).toBe('UNAVAILABLE');
    expect(codeOf(toGraphQLError(new WorkflowNotFoundError('gone', 'rollout-r1', undefined), 'r1'))).toBe(
      'NOT_FOUND',
    );
  });

  test('anything else stays what it was (an internal error the filter logs)', () => {
    const bug = new TypeError('x is undefined');
    expect(toGraphQLError(bug, 'r1')).toBe(bug);
    const invalid = grpcError(3, 'bad request');
    expect(toGraphQLError(invalid, 'r1')).toBe(invalid);
  });
});
