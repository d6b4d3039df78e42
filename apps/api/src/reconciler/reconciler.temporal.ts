import { Inject, Injectable } from '@nestjs/common';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { TEMPORAL_CLIENT } from '../../../../libs/temporal/src';
import { endedOutsideQuery, type ExecutionFacts } from './reconcile';

/** What the reconciler asks Temporal: keyed by this constant so a spec can give a fake. */
export const RECONCILER_TEMPORAL = Symbol('RECONCILER_TEMPORAL');

export interface ReconcilerTemporal {
  /** The IDs, among these, of workflows with a terminated or timed-out run (one visibility query). */
  endedOutside(workflowIds: readonly string[], deadlineMs: number): Promise<Set<string>>;
  /** The workflow's latest run, or undefined when Temporal does not know it. */
  describe(workflowId: string, deadlineMs: number): Promise<ExecutionFacts | undefined>;
}

/** The real thing: visibility and describe through the API's Temporal client, each call under a deadline. */
@Injectable()
export class ClientReconcilerTemporal implements ReconcilerTemporal {
  constructor(@Inject(TEMPORAL_CLIENT) private readonly client: Client) {}

  endedOutside(workflowIds: readonly string[], deadlineMs: number): Promise<Set<string>> {
    return this.client.connection.withDeadline(Date.now() + deadlineMs, async () => {
      const found = new Set<string>();
      const query = endedOutsideQuery(workflowIds);
      for await (const execution of this.client.workflow.list({ query, pageSize: 1_000 }))
        found.add(execution.workflowId);
      return found;
    });
  }

  describe(workflowId: string, deadlineMs: number): Promise<ExecutionFacts | undefined> {
    return this.client.connection.withDeadline(Date.now() + deadlineMs, async () => {
      try {
        const d = await this.client.workflow.getHandle(workflowId).describe();
        return { runId: d.runId, status: d.status.name, closeTime: d.closeTime };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return undefined;
        throw error;
      }
    });
  }
}
