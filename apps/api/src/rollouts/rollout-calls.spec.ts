import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { GraphQLError } from 'graphql';
import { RolloutStatusKey } from '../../../../workflows/search-attributes';
import { endedStatus, explain } from './rollout-calls';

/** A client whose describe() of rollout-r1 answers this close status and RolloutStatus. */
function closedAs(workflow: string, rollout: string | undefined): Client {
  const description = {
    status: { name: workflow },
    typedSearchAttributes: { get: (key: unknown) => (key === RolloutStatusKey ? rollout : undefined) },
  };
  return {
    workflow: { getHandle: () => ({ describe: () => Promise.resolve(description) }) },
  } as unknown as Client;
}

const gone = () => new WorkflowNotFoundError('workflow execution already completed', 'rollout-r1', undefined);

describe('a refusal on a closed rollout', () => {
  test.each([
    ['FAILED', 'ROLLED_BACK', 'ROLLED_BACK'],
    ['FAILED', 'ABORTED', 'ABORTED'],
    ['CANCELLED', 'ABORTED', 'ABORTED'],
    ['COMPLETED', 'COMPLETED', 'COMPLETED'],
    ['TERMINATED', 'WAITING_FOR_SIGN_OFF', 'TERMINATED'],
    ['TIMED_OUT', 'RUNNING', 'TERMINATED'],
  ])('a workflow closed %s with RolloutStatus %s has ended (%s)', async (workflow, rollout, named) => {
    const err = await explain(closedAs(workflow, rollout), gone(), 'r1');
    expect(err).toBeInstanceOf(GraphQLError);
    expect((err as GraphQLError).extensions.code).toBe('CONFLICT');
    expect((err as GraphQLError).message).toBe(`Rollout r1 has ended (${named}); it takes no more actions`);
  });

  test('a workflow that does not exist is NOT_FOUND', async () => {
    const client = {
      workflow: { getHandle: () => ({ describe: () => Promise.reject(gone()) }) },
    } as unknown as Client;
    const err = (await explain(client, gone(), 'r1')) as GraphQLError;
    expect(err.extensions.code).toBe('NOT_FOUND');
  });

  test('without a RolloutStatus the close status is named', () => {
    expect(endedStatus('COMPLETED', undefined)).toBe('COMPLETED');
  });
});
