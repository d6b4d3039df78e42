import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { ActionRefusedError, beforeDeadline, retryTransient } from '../../../../libs/temporal/src';
import { rolloutWorkflowId } from '../../../../workflows/engine/messages';
import { RolloutStatusKey } from '../../../../workflows/search-attributes';
import { graphQLError } from '../common/graphql-errors';
import { TERMINATED } from './rollout-status';
import { toGraphQLError } from './rollouts.errors';

// How the API talks to a rollout's workflows: within the action deadline (an Update waits for a worker, and
// must not hold an HTTP request forever), failures turned into typed GraphQL errors once, here.

/** Runs `fn` within `timeoutMs`, its failures explained (see explain). */
export async function withinDeadline<T>(
  client: Client,
  rolloutId: string,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    const deadline = Date.now() + timeoutMs;
    return await beforeDeadline(deadline, client.connection.withDeadline(deadline, fn));
  } catch (err) {
    throw await explain(client, err, rolloutId);
  }
}

/**
 * As withinDeadline, for work whose only changes are Updates with fixed IDs: tried again, within the deadline,
 * while Temporal answers "not now" (the Update not processed by a worker, the workflow continuing as new, too
 * many Updates in flight, the server unreachable). A repeat of an Update ID is answered, not applied. This is
 * no polling for a state: a try that reaches the workflow is answered by it.
 */
export async function updateWithinDeadline<T>(
  client: Client,
  rolloutId: string,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    const deadline = Date.now() + timeoutMs;
    return await beforeDeadline(
      deadline,
      retryTransient(() => client.connection.withDeadline(deadline, fn), deadline),
    );
  } catch (err) {
    throw await explain(client, err, rolloutId);
  }
}

/**
 * The GraphQL error for a failure. A closed workflow looks "not found" to an Update: the caller is told the
 * rollout has ended, in the rollout's own status (the RolloutStatus search attribute: ROLLED_BACK, ABORTED …),
 * not its workflow's (FAILED, CANCELED); a workflow terminated or timed out in Temporal is TERMINATED.
 */
export async function explain(client: Client, err: unknown, rolloutId: string): Promise<unknown> {
  if (err instanceof ActionRefusedError) return graphQLError(err.code, err.message, { rolloutId });
  if (err instanceof WorkflowNotFoundError) {
    const closed = await client.workflow
      .getHandle(rolloutWorkflowId(rolloutId))
      .describe()
      .then(
        (d) => ({ workflow: d.status.name, rollout: d.typedSearchAttributes.get(RolloutStatusKey) }),
        () => undefined,
      );
    if (closed && closed.workflow !== 'RUNNING') {
      const status = endedStatus(closed.workflow, closed.rollout);
      const message = `Rollout ${rolloutId} has ended (${status}); it takes no more actions`;
      return graphQLError('CONFLICT', message, { rolloutId });
    }
  }
  return toGraphQLError(err, rolloutId);
}

/** The status a closed rollout ended in, from its workflow's close status and its RolloutStatus attribute. */
export function endedStatus(workflowStatus: string, rolloutStatus: string | undefined): string {
  if (workflowStatus === 'TERMINATED' || workflowStatus === 'TIMED_OUT') return TERMINATED;
  return rolloutStatus ?? workflowStatus;
}
